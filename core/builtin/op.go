package builtin

import (
	"context"
	"crypto/sha256"
	"fmt"
	"unicode/utf8"

	"github.com/mr-tron/base58"
)

func opService() Service {
	return Service{
		"noop":            func(context.Context, *Call) (any, error) { return nil, nil },
		"array":           func(_ context.Context, c *Call) (any, error) { return nonNilArray(c.Args), nil },
		"array_length":    arrayLength,
		"identity":        opIdentity,
		"concat":          opConcat,
		"concat_strings":  opConcatStrings,
		"string_to_b58":   opStringToB58,
		"string_from_b58": opStringFromB58,
		"bytes_to_b58":    opBytesToB58,
		"bytes_from_b58":  opBytesFromB58,
		"sha256_string":   opSHA256String,
	}
}

func nonNilArray(a []any) []any {
	if a == nil {
		return []any{}
	}
	return a
}

func arrayLength(_ context.Context, c *Call) (any, error) {
	if err := arity(c, 1, 1); err != nil {
		return nil, err
	}
	a, err := arrayArg(c, 0, "array")
	if err != nil {
		return nil, err
	}
	return len(a), nil
}

// opIdentity returns its argument; with none it is empty.
func opIdentity(_ context.Context, c *Call) (any, error) {
	if len(c.Args) > 1 {
		return nil, argErr("identity accepts up to 1 arguments, received %d arguments", len(c.Args))
	}
	if len(c.Args) == 0 {
		return nil, nil
	}
	return c.Args[0], nil
}

func opConcat(_ context.Context, c *Call) (any, error) {
	out := []any{}
	for i, a := range c.Args {
		arr, ok := a.([]any)
		if !ok {
			return nil, argErr("all arguments of 'concat' must be arrays: argument #%d is not", i)
		}
		out = append(out, arr...)
	}
	return out, nil
}

func opConcatStrings(_ context.Context, c *Call) (any, error) {
	var s []byte
	for i, a := range c.Args {
		str, ok := a.(string)
		if !ok {
			return nil, argErr("all arguments of 'concat_strings' must be strings: argument #%d is not", i)
		}
		s = append(s, str...)
	}
	return string(s), nil
}

func opStringToB58(_ context.Context, c *Call) (any, error) {
	if err := arity(c, 1, 1); err != nil {
		return nil, err
	}
	s, err := stringArg(c, 0, "string")
	if err != nil {
		return nil, err
	}
	return base58.Encode([]byte(s)), nil
}

func opStringFromB58(_ context.Context, c *Call) (any, error) {
	b, err := b58Arg(c)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(b) {
		return nil, fmt.Errorf("decoded base58 is not valid UTF-8")
	}
	return string(b), nil
}

func opBytesToB58(_ context.Context, c *Call) (any, error) {
	if err := arity(c, 1, 1); err != nil {
		return nil, err
	}
	b, err := bytesArg(c, 0, "bytes")
	if err != nil {
		return nil, err
	}
	return base58.Encode(b), nil
}

func opBytesFromB58(_ context.Context, c *Call) (any, error) {
	b, err := b58Arg(c)
	if err != nil {
		return nil, err
	}
	return bytesJSON(b), nil
}

// bytesJSON is a byte slice as a JSON array of numbers (encoding/json would
// write base64).
func bytesJSON(b []byte) []int {
	out := make([]int, len(b))
	for i, x := range b {
		out[i] = int(x)
	}
	return out
}

// b58Arg decodes the one base58 argument of a call.
func b58Arg(c *Call) ([]byte, error) {
	if err := arity(c, 1, 1); err != nil {
		return nil, err
	}
	return b58Value(c.Args[0], c.argName(0, "b58_string"))
}

func b58Value(v any, what string) ([]byte, error) {
	s, err := asString(v, what)
	if err != nil {
		return nil, err
	}
	if s == "" {
		// The empty string is the base58 of no bytes, as the reference
		// node's decoder has it; this library's decoder refuses it.
		return []byte{}, nil
	}
	b, err := base58.Decode(s)
	if err != nil {
		return nil, fmt.Errorf("invalid base58 %q: %w", s, err)
	}
	return b, nil
}

// opSHA256String hashes a string and returns the SHA-256 multihash (or
// only the digest) as base58 (or as bytes).
func opSHA256String(_ context.Context, c *Call) (any, error) {
	if err := arity(c, 1, 3); err != nil {
		return nil, err
	}
	s, err := stringArg(c, 0, "string")
	if err != nil {
		return nil, err
	}
	digestOnly, err := optionalBool(c, 1, "digest_only")
	if err != nil {
		return nil, err
	}
	asBytes, err := optionalBool(c, 2, "as_bytes")
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(s))
	out := sum[:]
	if !digestOnly {
		out = append([]byte{0x12, 0x20}, sum[:]...)
	}
	if asBytes {
		return bytesJSON(out), nil
	}
	return base58.Encode(out), nil
}

// optionalBool reads an optional bool argument, false when absent.
func optionalBool(c *Call, i int, name string) (bool, error) {
	v, ok := optional(c, i)
	if !ok {
		return false, nil
	}
	return asBool(v, c.argName(i, name))
}
