package peer

import (
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// MarshalPublicKey encodes pk as libp2p's PublicKey protobuf message:
// field 1 the key type, field 2 the raw key. The encoding is fixed (fields
// in order, minimal varints), as libp2p requires for ids to be stable.
func MarshalPublicKey(pk PublicKey) []byte {
	raw := pk.Raw()
	buf := make([]byte, 0, len(raw)+4)
	buf = append(buf, 0x08)
	buf = binary.AppendUvarint(buf, uint64(pk.Type()))
	buf = append(buf, 0x12)
	buf = binary.AppendUvarint(buf, uint64(len(raw)))
	return append(buf, raw...)
}

// UnmarshalPublicKey decodes a PublicKey protobuf message.
func UnmarshalPublicKey(b []byte) (PublicKey, error) {
	var (
		typ     uint64
		data    []byte
		hasType bool
	)
	for len(b) > 0 {
		tag, n := binary.Uvarint(b)
		if n <= 0 {
			return nil, errors.New("public key: bad field tag")
		}
		b = b[n:]
		switch tag {
		case 0x08: // field 1, varint
			v, n := binary.Uvarint(b)
			if n <= 0 {
				return nil, errors.New("public key: bad key type")
			}
			typ, hasType, b = v, true, b[n:]
		case 0x12: // field 2, length-delimited
			l, n := binary.Uvarint(b)
			if n <= 0 || l > uint64(len(b)-n) {
				return nil, errors.New("public key: bad key length")
			}
			data, b = b[n:n+int(l)], b[n+int(l):]
		default:
			return nil, fmt.Errorf("public key: unexpected field tag 0x%x", tag)
		}
	}
	if !hasType || data == nil {
		return nil, errors.New("public key: missing type or data")
	}
	switch KeyType(typ) {
	case Ed25519:
		if len(data) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("public key: Ed25519 key is %d bytes, want %d", len(data), ed25519.PublicKeySize)
		}
		return ed25519Public(append([]byte(nil), data...)), nil
	case Secp256k1:
		k, err := secp256k1.ParsePubKey(data)
		if err != nil {
			return nil, fmt.Errorf("public key: %w", err)
		}
		return secp256k1Public{k}, nil
	}
	return nil, fmt.Errorf("%w: %s", ErrUnsupportedKey, KeyType(typ))
}
