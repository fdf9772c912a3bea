package peer

import (
	"crypto/ed25519"

	voi "github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
)

// Ed25519 signing and verification is most of what a peer's CPU does
// for a particle: the particle's signature, and each peer's signature
// over its results in the interpreter data. They run on curve25519-voi,
// which on amd64 signs in about half the time crypto/ed25519 takes and
// verifies in about 60%, with the same keys, the same signatures and,
// through VerifyOptionsStdLib, exactly crypto/ed25519's rules for what
// verifies (cofactorless; small-order and non-canonical keys accepted,
// non-canonical R and S refused). A test checks the two agree.

// stdlibRules makes voi accept exactly what crypto/ed25519 accepts.
var stdlibRules = &voi.Options{Verify: voi.VerifyOptionsStdLib}

// SignEd25519 is ed25519.Sign: the signature of msg by key.
func SignEd25519(key ed25519.PrivateKey, msg []byte) []byte {
	return voi.Sign(voi.PrivateKey(key), msg)
}

// VerifyEd25519 is ed25519.Verify: whether sig is pub's signature of msg.
func VerifyEd25519(pub ed25519.PublicKey, msg, sig []byte) bool {
	return len(pub) == ed25519.PublicKeySize && len(sig) == ed25519.SignatureSize &&
		voi.VerifyWithOptions(voi.PublicKey(pub), msg, sig, stdlibRules)
}
