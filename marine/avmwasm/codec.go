package avmwasm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// msgpackPrefix is the multicodec code of MessagePack, 0x0201, as an
// unsigned varint: avm.wasm puts it before call results and call
// requests.
var msgpackPrefix = []byte{0x81, 0x04}

// maxDepth bounds the nesting of the JSON values decoded from call
// arguments, as serde_json's recursion limit bounds the reference's.
const maxDepth = 128

// wireResult is a call result as avm.wasm reads it.
type wireResult struct {
	RetCode int32  `msgpack:"ret_code"`
	Result  string `msgpack:"result"`
}

// wireRequest is a call request as avm.wasm writes it: the arguments and
// tetraplets are MessagePack documents of their own.
type wireRequest struct {
	ServiceID    string `msgpack:"service_id"`
	FunctionName string `msgpack:"function_name"`
	Arguments    []byte `msgpack:"arguments"`
	Tetraplets   []byte `msgpack:"tetraplets"`
}

// EncodeCallResults encodes call results for avm.wasm: the MessagePack
// prefix, then a map from the request id, as a decimal string, to
// {ret_code, result}, in the order of the ids, so that the encoding is
// deterministic.
func EncodeCallResults(results map[uint32]CallResult) ([]byte, error) {
	var buf bytes.Buffer
	buf.Write(msgpackPrefix)
	enc := msgpack.NewEncoder(&buf)
	if err := enc.EncodeMapLen(len(results)); err != nil {
		return nil, fmt.Errorf("encoding call results: %w", err)
	}
	for _, id := range slices.Sorted(maps.Keys(results)) {
		if err := enc.EncodeString(strconv.FormatUint(uint64(id), 10)); err != nil {
			return nil, fmt.Errorf("encoding call results: %w", err)
		}
		if err := enc.Encode(wireResult(results[id])); err != nil {
			return nil, fmt.Errorf("encoding call result %d: %w", id, err)
		}
	}
	return buf.Bytes(), nil
}

// DecodeCallRequests decodes the call requests avm.wasm hands back: the
// MessagePack prefix, then a map from request id to the request, whose
// arguments are a MessagePack array of JSON values and whose tetraplets
// are a MessagePack array of arrays of tetraplets. Empty input means no
// requests. The arguments are turned back into JSON text.
func DecodeCallRequests(b []byte) (map[uint32]CallRequest, error) {
	if len(b) == 0 {
		return map[uint32]CallRequest{}, nil
	}
	body, ok := bytes.CutPrefix(b, msgpackPrefix)
	if !ok {
		return nil, fmt.Errorf("call requests: want the MessagePack multicodec prefix % x, got % x", msgpackPrefix, b[:min(len(b), 2)])
	}
	var wire map[uint32]wireRequest
	if err := msgpack.Unmarshal(body, &wire); err != nil {
		return nil, fmt.Errorf("call requests: %w", err)
	}
	reqs := make(map[uint32]CallRequest, len(wire))
	for id, w := range wire {
		args, err := decodeArguments(w.Arguments)
		if err != nil {
			return nil, fmt.Errorf("call request %d (%s %s): arguments: %w", id, w.ServiceID, w.FunctionName, err)
		}
		var tets [][]Tetraplet
		if err := msgpack.Unmarshal(w.Tetraplets, &tets); err != nil {
			return nil, fmt.Errorf("call request %d (%s %s): tetraplets: %w", id, w.ServiceID, w.FunctionName, err)
		}
		reqs[id] = CallRequest{ServiceID: w.ServiceID, FunctionName: w.FunctionName, Arguments: args, Tetraplets: tets}
	}
	return reqs, nil
}

// decodeArguments turns a MessagePack array of values into the JSON text
// of each.
func decodeArguments(b []byte) ([]json.RawMessage, error) {
	d := msgpack.NewDecoder(bytes.NewReader(b))
	n, err := d.DecodeArrayLen()
	if err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, errors.New("want an array, got nil")
	}
	args := []json.RawMessage{}
	for range n {
		arg, err := appendJSON(nil, d, 0)
		if err != nil {
			return nil, err
		}
		args = append(args, arg)
	}
	if d.Buffered().(*bytes.Reader).Len() > 0 {
		return nil, errors.New("trailing bytes after the array")
	}
	return args, nil
}

// appendJSON reads one MessagePack value from d and appends it as JSON,
// keeping the order of map keys. Integral floats keep a fractional part,
// as serde_json prints them.
func appendJSON(b []byte, d *msgpack.Decoder, depth int) ([]byte, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("values nest deeper than %d levels", maxDepth)
	}
	c, err := d.PeekCode()
	if err != nil {
		return nil, err
	}
	switch {
	case c == msgpcode.Nil:
		return append(b, "null"...), d.DecodeNil()
	case c == msgpcode.True || c == msgpcode.False:
		v, err := d.DecodeBool()
		return strconv.AppendBool(b, v), err
	case c == msgpcode.Float || c == msgpcode.Double:
		f, err := d.DecodeFloat64()
		if err != nil {
			return nil, err
		}
		return appendFloat(b, f)
	case msgpcode.IsFixedNum(c) || (c >= msgpcode.Uint8 && c <= msgpcode.Int64):
		v, err := d.DecodeInterfaceLoose()
		if err != nil {
			return nil, err
		}
		switch n := v.(type) {
		case int64:
			return strconv.AppendInt(b, n, 10), nil
		case uint64:
			return strconv.AppendUint(b, n, 10), nil
		}
		return nil, fmt.Errorf("unexpected number %T", v)
	case msgpcode.IsString(c):
		s, err := d.DecodeString()
		if err != nil {
			return nil, err
		}
		return appendString(b, s)
	case msgpcode.IsFixedArray(c) || c == msgpcode.Array16 || c == msgpcode.Array32:
		n, err := d.DecodeArrayLen()
		if err != nil {
			return nil, err
		}
		b = append(b, '[')
		for i := range n {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendJSON(b, d, depth+1); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case msgpcode.IsFixedMap(c) || c == msgpcode.Map16 || c == msgpcode.Map32:
		n, err := d.DecodeMapLen()
		if err != nil {
			return nil, err
		}
		b = append(b, '{')
		for i := range n {
			if i > 0 {
				b = append(b, ',')
			}
			k, err := d.DecodeString()
			if err != nil {
				return nil, fmt.Errorf("map key: %w", err)
			}
			if b, err = appendString(b, k); err != nil {
				return nil, err
			}
			b = append(b, ':')
			if b, err = appendJSON(b, d, depth+1); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	}
	return nil, fmt.Errorf("MessagePack code 0x%02x has no JSON counterpart", c)
}

func appendString(b []byte, s string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), nil
}

func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("%v is not a JSON number", f)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e16 {
		return strconv.AppendFloat(b, f, 'f', 1, 64), nil
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64), nil
}
