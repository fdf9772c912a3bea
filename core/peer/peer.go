// Package peer is peer identity: the libp2p-compatible peer id, and the
// Ed25519 and secp256k1 keys behind it.
//
// A peer id is the base58 text of a multihash of the peer's public key in
// libp2p's protobuf encoding. Keys small enough (Ed25519, secp256k1) are
// embedded whole with the identity multihash, which is why an id such as
// 12D3KooW... is enough to verify that peer's signatures: particles are
// verified against their init peer id, interpreter data against the ids of
// the peers that produced each result.
//
// The encoding is written here in pure Go, rather than taken from
// go-libp2p, so that core stays free of the network stack; net converts to
// and from go-libp2p's types, and a test there checks the two agree.
package peer

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/mr-tron/base58"
)

// KeyType is the key algorithm, numbered as in libp2p's protobuf.
type KeyType uint8

// Key types; RSA and ECDSA ids hash the key, so their signatures cannot be
// verified from the id alone and they are not supported.
const (
	Ed25519   KeyType = 1
	Secp256k1 KeyType = 2
)

func (t KeyType) String() string {
	switch t {
	case Ed25519:
		return "Ed25519"
	case Secp256k1:
		return "secp256k1"
	}
	return fmt.Sprintf("key type %d", uint8(t))
}

// ID is a peer id in its text form, such as
// "12D3KooWANqfCDrV79MZdMnMqTvDdqSAPSxdgFY1L6DCq2DVGB4D".
type ID string

// Errors of id decoding and signature checks.
var (
	ErrInvalidID        = errors.New("invalid peer id")
	ErrUnsupportedKey   = errors.New("peer id does not embed a supported public key")
	ErrInvalidSignature = errors.New("invalid signature")
)

// ParseID checks that s is a well-formed peer id that embeds its public
// key, and returns it as an ID.
func ParseID(s string) (ID, error) {
	id := ID(s)
	if _, err := id.PublicKey(); err != nil {
		return "", err
	}
	return id, nil
}

// PublicKey extracts the public key embedded in the id.
func (id ID) PublicKey() (PublicKey, error) {
	raw, err := base58.Decode(string(id))
	if err != nil || len(raw) == 0 {
		return nil, fmt.Errorf("%w %q: not base58", ErrInvalidID, string(id))
	}
	code, n := binary.Uvarint(raw)
	if n <= 0 {
		return nil, fmt.Errorf("%w %q: bad multihash", ErrInvalidID, string(id))
	}
	size, m := binary.Uvarint(raw[n:])
	if m <= 0 || uint64(len(raw)-n-m) != size {
		return nil, fmt.Errorf("%w %q: bad multihash length", ErrInvalidID, string(id))
	}
	if code != identityMultihash {
		return nil, fmt.Errorf("%w: %s hashes its key (multihash 0x%x)", ErrUnsupportedKey, string(id), code)
	}
	pk, err := UnmarshalPublicKey(raw[n+m:])
	if err != nil {
		return nil, fmt.Errorf("%w %q: %w", ErrInvalidID, string(id), err)
	}
	return pk, nil
}

// Verify checks that sig is this peer's signature of msg.
func (id ID) Verify(msg, sig []byte) error {
	pk, err := id.PublicKey()
	if err != nil {
		return err
	}
	if !pk.Verify(msg, sig) {
		return fmt.Errorf("%w from %s", ErrInvalidSignature, string(id))
	}
	return nil
}

func (id ID) String() string { return string(id) }

// ShortString abbreviates the id for display: its first six and last
// four characters.
func (id ID) ShortString() string {
	s := string(id)
	if len(s) <= 12 {
		return s
	}
	return s[:6] + "…" + s[len(s)-4:]
}

const identityMultihash = 0x00

// IDFromPublicKey returns the id of the peer with key pk.
func IDFromPublicKey(pk PublicKey) ID {
	enc := MarshalPublicKey(pk)
	buf := make([]byte, 0, len(enc)+2)
	buf = binary.AppendUvarint(buf, identityMultihash)
	buf = binary.AppendUvarint(buf, uint64(len(enc)))
	buf = append(buf, enc...)
	return ID(base58.Encode(buf))
}

// PublicKey verifies signatures.
type PublicKey interface {
	Type() KeyType
	// Raw is the key in its algorithm's own encoding: 32 bytes for
	// Ed25519, 33 (compressed) for secp256k1.
	Raw() []byte
	Verify(msg, sig []byte) bool
}

// PrivateKey signs. Signatures are in the format libp2p and the reference
// node use: raw 64 bytes for Ed25519, DER-encoded ECDSA over SHA-256 for
// secp256k1.
type PrivateKey interface {
	Public() PublicKey
	Sign(msg []byte) []byte
	// Raw is the secret in its algorithm's own encoding: the 32-byte seed
	// for Ed25519, the 32-byte scalar for secp256k1.
	Raw() []byte
}

// GenerateEd25519 makes a new Ed25519 key from rand.
func GenerateEd25519(rand io.Reader) (PrivateKey, error) {
	var seed [ed25519.SeedSize]byte
	if _, err := io.ReadFull(rand, seed[:]); err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	return Ed25519FromSeed(seed[:])
}

// Ed25519FromSeed returns the Ed25519 key with the given 32-byte seed, the
// form the reference tools store secret keys in.
func Ed25519FromSeed(seed []byte) (PrivateKey, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("ed25519 seed is %d bytes, want %d", len(seed), ed25519.SeedSize)
	}
	return ed25519Private{ed25519.NewKeyFromSeed(seed)}, nil
}

// Secp256k1FromBytes returns the secp256k1 key with the given 32-byte
// secret scalar.
func Secp256k1FromBytes(b []byte) (PrivateKey, error) {
	if len(b) != 32 {
		return nil, fmt.Errorf("secp256k1 secret is %d bytes, want 32", len(b))
	}
	return secp256k1Private{secp256k1.PrivKeyFromBytes(b)}, nil
}

// Ed25519PublicKey wraps a raw Ed25519 public key, which must be 32
// bytes.
func Ed25519PublicKey(pub ed25519.PublicKey) PublicKey { return ed25519Public(pub) }

// IDOf returns the id of the peer holding key.
func IDOf(key PrivateKey) ID { return IDFromPublicKey(key.Public()) }

type ed25519Public ed25519.PublicKey

func (k ed25519Public) Type() KeyType { return Ed25519 }
func (k ed25519Public) Raw() []byte   { return []byte(k) }
func (k ed25519Public) Verify(msg, sig []byte) bool {
	return VerifyEd25519(ed25519.PublicKey(k), msg, sig)
}

type ed25519Private struct{ key ed25519.PrivateKey }

func (k ed25519Private) Public() PublicKey {
	return ed25519Public(k.key.Public().(ed25519.PublicKey))
}
func (k ed25519Private) Sign(msg []byte) []byte { return SignEd25519(k.key, msg) }
func (k ed25519Private) Raw() []byte            { return k.key.Seed() }

type secp256k1Public struct{ key *secp256k1.PublicKey }

func (k secp256k1Public) Type() KeyType { return Secp256k1 }
func (k secp256k1Public) Raw() []byte   { return k.key.SerializeCompressed() }
func (k secp256k1Public) Verify(msg, sig []byte) bool {
	s, err := ecdsa.ParseDERSignature(sig)
	if err != nil {
		return false
	}
	h := sha256.Sum256(msg)
	return s.Verify(h[:], k.key)
}

type secp256k1Private struct{ key *secp256k1.PrivateKey }

func (k secp256k1Private) Public() PublicKey { return secp256k1Public{k.key.PubKey()} }
func (k secp256k1Private) Sign(msg []byte) []byte {
	h := sha256.Sum256(msg)
	return ecdsa.Sign(k.key, h[:]).Serialize()
}
func (k secp256k1Private) Raw() []byte { return k.key.Serialize() }
