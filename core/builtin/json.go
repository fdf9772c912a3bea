package builtin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
)

func jsonService() Service {
	return Service{
		"obj": func(_ context.Context, c *Call) (any, error) {
			return putPairs(map[string]any{}, c.Args)
		},
		"put": func(_ context.Context, c *Call) (any, error) {
			if err := arity(c, 3, 3); err != nil {
				return nil, err
			}
			obj, err := objectArg(c, 0)
			if err != nil {
				return nil, err
			}
			key, err := stringArg(c, 1, "key")
			if err != nil {
				return nil, err
			}
			obj[key] = c.Args[2]
			return obj, nil
		},
		"puts": func(_ context.Context, c *Call) (any, error) {
			if err := arity(c, 1, -1); err != nil {
				return nil, err
			}
			obj, err := objectArg(c, 0)
			if err != nil {
				return nil, err
			}
			return putPairs(obj, c.Args[1:])
		},
		"obj_pairs": func(_ context.Context, c *Call) (any, error) {
			if err := arity(c, 1, 1); err != nil {
				return nil, err
			}
			return putPairList(map[string]any{}, c, 0)
		},
		"puts_pairs": func(_ context.Context, c *Call) (any, error) {
			if err := arity(c, 2, 2); err != nil {
				return nil, err
			}
			obj, err := objectArg(c, 0)
			if err != nil {
				return nil, err
			}
			return putPairList(obj, c, 1)
		},
		"parse": func(_ context.Context, c *Call) (any, error) {
			if err := arity(c, 1, 1); err != nil {
				return nil, err
			}
			s, err := stringArg(c, 0, "json")
			if err != nil {
				return nil, err
			}
			dec := json.NewDecoder(bytes.NewReader([]byte(s)))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				return nil, fmt.Errorf("error parsing json %s: %w", s, err)
			}
			if dec.More() {
				return nil, fmt.Errorf("error parsing json %s: trailing characters", s)
			}
			return v, nil
		},
		"stringify": func(_ context.Context, c *Call) (any, error) {
			if err := arity(c, 1, 1); err != nil {
				return nil, err
			}
			return Stringify(c.Args[0]), nil
		},
	}
}

// objectArg returns a copy of argument i, which must be an object, so that
// the caller may add to it.
func objectArg(c *Call, i int) (map[string]any, error) {
	obj, ok := c.Args[i].(map[string]any)
	if !ok {
		return nil, argErr("%s must be an object, got %s", c.argName(i, "object"), describe(c.Args[i]))
	}
	return maps.Clone(obj), nil
}

// putPairs adds key, value, key, value... to obj.
func putPairs(obj map[string]any, kvs []any) (any, error) {
	for i := 0; i < len(kvs); i += 2 {
		key, ok := kvs[i].(string)
		if i+1 == len(kvs) {
			return nil, argErr("expected odd number of arguments, got even: no value for key %s", Stringify(kvs[i]))
		}
		if !ok {
			return nil, argErr("all keys must be strings; the key of pair (%s, %s) is not", Stringify(kvs[i]), Stringify(kvs[i+1]))
		}
		obj[key] = kvs[i+1]
	}
	return obj, nil
}

// putPairList adds the [key, value] pairs of argument i to obj.
func putPairList(obj map[string]any, c *Call, i int) (any, error) {
	pairs, err := arrayArg(c, i, "pairs")
	if err != nil {
		return nil, err
	}
	for j, p := range pairs {
		kv, ok := p.([]any)
		if !ok || len(kv) != 2 {
			return nil, argErr("pair %d of %s.%s must be [key, value], got %s", j, c.Service, c.Function, Stringify(p))
		}
		key, ok := kv[0].(string)
		if !ok {
			return nil, argErr("the key of pair %d of %s.%s must be a string, got %s", j, c.Service, c.Function, Stringify(kv[0]))
		}
		obj[key] = kv[1]
	}
	return obj, nil
}

// Stringify renders a value as compact JSON with object keys sorted and no
// HTML escaping, as the reference node's serde_json does.
func Stringify(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}
