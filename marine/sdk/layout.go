package sdk

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"unicode/utf8"
)

// Memory is where values are laid out: the module's own linear memory in a
// service, a map of buffers in tests.
type Memory interface {
	// Load returns the n bytes at ptr, handing ownership of the buffer
	// from the host to the module where that applies.
	Load(ptr, n uint32) ([]byte, error)
	// Store keeps b alive until the next release and returns its address.
	Store(b []byte) uint32
}

var le = binary.LittleEndian

// Decode reads a value of the type out points to from (ptr, n): n is the
// byte length of a string, the element count of a slice, and unused for a
// struct.
func Decode(m Memory, ptr, n uint32, out any) error {
	v := reflect.ValueOf(out)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return errors.New("sdk.Decode needs a non-nil pointer")
	}
	return decodeTop(m, ptr, n, v.Elem())
}

func decodeTop(m Memory, ptr, n uint32, v reflect.Value) error {
	switch v.Kind() {
	case reflect.String:
		b, err := m.Load(ptr, n)
		if err != nil {
			return err
		}
		if !utf8.Valid(b) {
			return errors.New("string is not valid UTF-8")
		}
		v.SetString(string(b))
		return nil
	case reflect.Slice:
		return decodeSlice(m, ptr, n, v)
	case reflect.Struct:
		return decodeStruct(m, ptr, v)
	}
	return fmt.Errorf("cannot decode %s", v.Type())
}

func size(t reflect.Type) uint32 {
	switch t.Kind() {
	case reflect.Bool, reflect.Int8, reflect.Uint8:
		return 1
	case reflect.Int16, reflect.Uint16:
		return 2
	case reflect.Int32, reflect.Uint32, reflect.Float32, reflect.Struct:
		return 4
	case reflect.Int64, reflect.Uint64, reflect.Int, reflect.Uint, reflect.Float64:
		return 8
	case reflect.String, reflect.Slice:
		return 8
	}
	panic(fmt.Sprintf("sdk: unsupported type %s", t))
}

func structSize(t reflect.Type) uint32 {
	var n uint32
	for i := range t.NumField() {
		n += size(t.Field(i).Type)
	}
	return n
}

func decodeSlice(m Memory, ptr, n uint32, v reflect.Value) error {
	if n == 0 {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		return nil
	}
	elem := v.Type().Elem()
	es := size(elem)
	if uint64(n)*uint64(es) > math.MaxUint32 {
		return fmt.Errorf("a slice of %d elements does not fit a 32-bit memory", n)
	}
	b, err := m.Load(ptr, n*es)
	if err != nil {
		return err
	}
	if elem.Kind() == reflect.Uint8 {
		v.SetBytes(append([]byte(nil), b...))
		return nil
	}
	s := reflect.MakeSlice(v.Type(), int(n), int(n))
	for i := range int(n) {
		if err := decodeField(m, b[uint32(i)*es:], s.Index(i)); err != nil {
			return err
		}
	}
	v.Set(s)
	return nil
}

func decodeStruct(m Memory, ptr uint32, v reflect.Value) error {
	b, err := m.Load(ptr, structSize(v.Type()))
	if err != nil {
		return err
	}
	for i := range v.NumField() {
		f := v.Field(i)
		if err := decodeField(m, b, f); err != nil {
			return err
		}
		b = b[size(f.Type()):]
	}
	return nil
}

func decodeField(m Memory, b []byte, v reflect.Value) error {
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(b[0] != 0)
	case reflect.Int8:
		v.SetInt(int64(int8(b[0])))
	case reflect.Uint8:
		v.SetUint(uint64(b[0]))
	case reflect.Int16:
		v.SetInt(int64(int16(le.Uint16(b))))
	case reflect.Uint16:
		v.SetUint(uint64(le.Uint16(b)))
	case reflect.Int32:
		v.SetInt(int64(int32(le.Uint32(b))))
	case reflect.Uint32:
		v.SetUint(uint64(le.Uint32(b)))
	case reflect.Int64, reflect.Int:
		v.SetInt(int64(le.Uint64(b)))
	case reflect.Uint64, reflect.Uint:
		v.SetUint(le.Uint64(b))
	case reflect.Float32:
		v.SetFloat(float64(math.Float32frombits(le.Uint32(b))))
	case reflect.Float64:
		v.SetFloat(math.Float64frombits(le.Uint64(b)))
	case reflect.String, reflect.Slice:
		return decodeTop(m, le.Uint32(b), le.Uint32(b[4:]), v)
	case reflect.Struct:
		return decodeStruct(m, le.Uint32(b), v)
	default:
		return fmt.Errorf("cannot decode %s", v.Type())
	}
	return nil
}

// Encode lays v out in memory and returns its address and, for strings and
// slices, its length (bytes for strings, elements for slices).
func Encode(m Memory, v any) (ptr, n uint32) {
	return encodeTop(m, reflect.ValueOf(v))
}

func encodeTop(m Memory, v reflect.Value) (uint32, uint32) {
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		if len(s) == 0 {
			return 0, 0
		}
		return m.Store([]byte(s)), uint32(len(s))
	case reflect.Slice:
		if v.Len() == 0 {
			return 0, 0
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return m.Store(append([]byte(nil), v.Bytes()...)), uint32(v.Len())
		}
		buf := make([]byte, 0, uint32(v.Len())*size(v.Type().Elem()))
		for i := range v.Len() {
			buf = encodeField(m, buf, v.Index(i))
		}
		return m.Store(buf), uint32(v.Len())
	case reflect.Struct:
		var buf []byte
		for i := range v.NumField() {
			buf = encodeField(m, buf, v.Field(i))
		}
		return m.Store(buf), 0
	}
	panic(fmt.Sprintf("sdk: cannot encode %s", v.Type()))
}

func encodeField(m Memory, b []byte, v reflect.Value) []byte {
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			return append(b, 1)
		}
		return append(b, 0)
	case reflect.Int8:
		return append(b, byte(v.Int()))
	case reflect.Uint8:
		return append(b, byte(v.Uint()))
	case reflect.Int16:
		return le.AppendUint16(b, uint16(v.Int()))
	case reflect.Uint16:
		return le.AppendUint16(b, uint16(v.Uint()))
	case reflect.Int32:
		return le.AppendUint32(b, uint32(v.Int()))
	case reflect.Uint32:
		return le.AppendUint32(b, uint32(v.Uint()))
	case reflect.Int64, reflect.Int:
		return le.AppendUint64(b, uint64(v.Int()))
	case reflect.Uint64, reflect.Uint:
		return le.AppendUint64(b, v.Uint())
	case reflect.Float32:
		return le.AppendUint32(b, math.Float32bits(float32(v.Float())))
	case reflect.Float64:
		return le.AppendUint64(b, math.Float64bits(v.Float()))
	case reflect.String, reflect.Slice:
		p, n := encodeTop(m, v)
		return le.AppendUint32(le.AppendUint32(b, p), n)
	case reflect.Struct:
		p, _ := encodeTop(m, v)
		return le.AppendUint32(b, p)
	}
	panic(fmt.Sprintf("sdk: cannot encode %s", v.Type()))
}
