package builtin

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
)

// binaryInts adapts an i64 operation to a Func.
func binaryInts[T any](op func(x, y int64) (T, error)) Func {
	return func(_ context.Context, c *Call) (any, error) {
		if err := arity(c, 2, 2); err != nil {
			return nil, err
		}
		x, err := intArg(c, 0, "x")
		if err != nil {
			return nil, err
		}
		y, err := intArg(c, 1, "y")
		if err != nil {
			return nil, err
		}
		return op(x, y)
	}
}

var (
	errAddOverflow = errors.New("i64 add overflow")
	errSubOverflow = errors.New("i64 sub overflow")
	errMulOverflow = errors.New("i64 mul overflow")
	errDivOverflow = errors.New("i64 div overflow")
	errRemOverflow = errors.New("i64 rem overflow")
	errPowOverflow = errors.New("i64 pow overflow")
	errLogOverflow = errors.New("i64 log overflow")
)

func checkedAdd(x, y int64) (int64, error) {
	s := x + y
	if (y > 0 && s < x) || (y < 0 && s > x) {
		return 0, errAddOverflow
	}
	return s, nil
}

// checkedPow is x**y, failing as soon as a partial product overflows, so
// that a huge exponent costs no more than 64 squarings.
func checkedPow(x int64, y uint32) (int64, error) {
	result, base := int64(1), x
	for {
		if y&1 == 1 {
			r, err := checkedMul(result, base)
			if err != nil {
				return 0, errPowOverflow
			}
			result = r
		}
		y >>= 1
		if y == 0 {
			return result, nil
		}
		b, err := checkedMul(base, base)
		if err != nil {
			return 0, errPowOverflow
		}
		base = b
	}
}

func checkedMul(x, y int64) (int64, error) {
	if x == 0 || y == 0 {
		return 0, nil
	}
	p := x * y
	if p/y != x || (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64) {
		return 0, errMulOverflow
	}
	return p, nil
}

func mathService() Service {
	return Service{
		"add": binaryInts(checkedAdd),
		"sub": binaryInts(func(x, y int64) (int64, error) {
			if y == math.MinInt64 {
				return 0, errSubOverflow
			}
			return checkedAdd(x, -y)
		}),
		"mul": binaryInts(checkedMul),
		"div": binaryInts(func(x, y int64) (int64, error) {
			if y == 0 || (x == math.MinInt64 && y == -1) {
				return 0, errDivOverflow
			}
			return x / y, nil
		}),
		"rem": binaryInts(func(x, y int64) (int64, error) {
			if y == 0 || (x == math.MinInt64 && y == -1) {
				return 0, errRemOverflow
			}
			return x % y, nil
		}),
		"pow": binaryInts(func(x, y int64) (int64, error) {
			if y < 0 || y > math.MaxUint32 {
				return 0, argErr("the exponent of math.pow must be a u32, got %d", y)
			}
			return checkedPow(x, uint32(y))
		}),
		// log(x, y) is the integer logarithm of y in base x.
		"log": binaryInts(func(base, y int64) (uint32, error) {
			if base < 2 || y < 1 {
				return 0, errLogOverflow
			}
			var n uint32
			for y >= base {
				y /= base
				n++
			}
			return n, nil
		}),
		"fmul": func(_ context.Context, c *Call) (any, error) {
			if err := arity(c, 2, 2); err != nil {
				return nil, err
			}
			x, err := floatArg(c, 0, "x")
			if err != nil {
				return nil, err
			}
			y, err := floatArg(c, 1, "y")
			if err != nil {
				return nil, err
			}
			f := math.Floor(x * y)
			// Rust's float-to-int cast saturates; so does this.
			switch {
			case math.IsNaN(f):
				return int64(0), nil
			case f >= math.MaxInt64:
				return int64(math.MaxInt64), nil
			case f <= math.MinInt64:
				return int64(math.MinInt64), nil
			}
			return int64(f), nil
		},
	}
}

func cmpService() Service {
	return Service{
		"gt":  binaryInts(func(x, y int64) (bool, error) { return x > y, nil }),
		"gte": binaryInts(func(x, y int64) (bool, error) { return x >= y, nil }),
		"lt":  binaryInts(func(x, y int64) (bool, error) { return x < y, nil }),
		"lte": binaryInts(func(x, y int64) (bool, error) { return x <= y, nil }),
		"cmp": binaryInts(func(x, y int64) (int, error) {
			switch {
			case x < y:
				return -1, nil
			case x > y:
				return 1, nil
			}
			return 0, nil
		}),
	}
}

func arrayService() Service {
	return Service{
		"sum": func(_ context.Context, c *Call) (any, error) {
			if err := arity(c, 1, 1); err != nil {
				return nil, err
			}
			xs, err := arrayArg(c, 0, "array")
			if err != nil {
				return nil, err
			}
			var sum int64
			for i, v := range xs {
				x, err := asInt(v, fmt.Sprintf("element %d of %s", i, c.argName(0, "array")))
				if err != nil {
					return nil, err
				}
				if sum, err = checkedAdd(sum, x); err != nil {
					return nil, err
				}
			}
			return sum, nil
		},
		"dedup": func(_ context.Context, c *Call) (any, error) {
			if err := arity(c, 1, 1); err != nil {
				return nil, err
			}
			xs, err := stringsArg(c, 0, "array")
			if err != nil {
				return nil, err
			}
			seen := make(map[string]bool, len(xs))
			out := []string{}
			for _, x := range xs {
				if !seen[x] {
					seen[x] = true
					out = append(out, x)
				}
			}
			return out, nil
		},
		"intersect": setOp(func(inX, inY bool) bool { return inX && inY }),
		"diff":      setOp(func(inX, inY bool) bool { return inX && !inY }),
		"sdiff":     setOp(func(inX, inY bool) bool { return inX != inY }),
		"slice":     arraySlice,
		"length":    arrayLength,
	}
}

// setOp builds a function of two string sets. The reference returns set
// elements in hash order; this returns them sorted, so results are
// deterministic.
func setOp(keep func(inX, inY bool) bool) Func {
	return func(_ context.Context, c *Call) (any, error) {
		if err := arity(c, 2, 2); err != nil {
			return nil, err
		}
		xs, err := stringsArg(c, 0, "xs")
		if err != nil {
			return nil, err
		}
		ys, err := stringsArg(c, 1, "ys")
		if err != nil {
			return nil, err
		}
		inX, inY := set(xs), set(ys)
		out := []string{}
		for s := range union(inX, inY) {
			if keep(inX[s], inY[s]) {
				out = append(out, s)
			}
		}
		slices.Sort(out)
		return out, nil
	}
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func union(a, b map[string]bool) map[string]bool {
	u := make(map[string]bool, len(a)+len(b))
	for k := range a {
		u[k] = true
	}
	for k := range b {
		u[k] = true
	}
	return u
}

// arraySlice returns array[start:end]. As in the reference, an empty
// array slices to empty whatever the indexes.
func arraySlice(_ context.Context, c *Call) (any, error) {
	if len(c.Args) != 3 {
		return nil, argErr("invalid number of parameters. need array, start index and end index")
	}
	arr, err := arrayArg(c, 0, "array")
	if err != nil {
		return nil, err
	}
	if len(arr) == 0 {
		return []any{}, nil
	}
	start, err := intArg(c, 1, "start")
	if err != nil || start < 0 {
		return nil, argErr("second argument (start index) must be an unsigned integer, was %v", c.Args[1])
	}
	end, err := intArg(c, 2, "end")
	if err != nil || end < 0 {
		return nil, argErr("third argument (end index) must be an unsigned integer, was %v", c.Args[2])
	}
	if start > end || end > int64(len(arr)) {
		return nil, argErr("slice indexes out of bounds. start index: %d, end index: %d, array length: %d", start, end, len(arr))
	}
	return arr[start:end], nil
}
