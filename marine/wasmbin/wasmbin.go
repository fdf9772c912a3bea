// Package wasmbin reads and rewrites the custom sections of a WebAssembly
// binary without decoding anything else. Marine keeps a module's interface
// description in custom sections, and building a module means adding them.
package wasmbin

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"
)

var header = []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}

// ErrNotWasm reports input that does not start with the Wasm binary header.
var ErrNotWasm = errors.New("not a WebAssembly binary module (bad magic number or version)")

// Section is one section of a module: its id, its name for custom sections
// (id 0), and its payload (for custom sections, the bytes after the name).
type Section struct {
	ID   byte
	Name string
	Data []byte
}

// Sections splits a module into its sections. The slices alias b.
func Sections(b []byte) ([]Section, error) {
	if !bytes.HasPrefix(b, header) {
		return nil, ErrNotWasm
	}
	var out []Section
	off := len(header)
	for off < len(b) {
		id := b[off]
		size, n, err := uleb32(b[off+1:])
		if err != nil {
			return nil, fmt.Errorf("section at offset %d: size: %w", off, err)
		}
		start := off + 1 + n
		if uint64(size) > uint64(len(b)-start) {
			return nil, fmt.Errorf("section at offset %d: size %d runs past the end of the module", off, size)
		}
		payload := b[start : start+int(size)]
		s := Section{ID: id, Data: payload}
		if id == 0 {
			nameLen, m, err := uleb32(payload)
			if err != nil {
				return nil, fmt.Errorf("custom section at offset %d: name length: %w", off, err)
			}
			if uint64(nameLen) > uint64(len(payload)-m) {
				return nil, fmt.Errorf("custom section at offset %d: name runs past the section", off)
			}
			name := payload[m : m+int(nameLen)]
			if !utf8.Valid(name) {
				return nil, fmt.Errorf("custom section at offset %d: name is not UTF-8", off)
			}
			s.Name = string(name)
			s.Data = payload[m+int(nameLen):]
		}
		out = append(out, s)
		off = start + int(size)
	}
	return out, nil
}

// CustomSections returns the payloads of the custom sections called name,
// in module order.
func CustomSections(b []byte, name string) ([][]byte, error) {
	secs, err := Sections(b)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for _, s := range secs {
		if s.ID == 0 && s.Name == name {
			out = append(out, s.Data)
		}
	}
	return out, nil
}

// SetCustomSection returns a copy of the module with every custom section
// called name removed and one new section with that name and data appended.
func SetCustomSection(b []byte, name string, data []byte) ([]byte, error) {
	secs, err := Sections(b)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(b)+len(name)+len(data)+16)
	out = append(out, header...)
	for _, s := range secs {
		if s.ID == 0 && s.Name == name {
			continue
		}
		out = appendSection(out, s)
	}
	return appendSection(out, Section{ID: 0, Name: name, Data: data}), nil
}

func appendSection(out []byte, s Section) []byte {
	payload := s.Data
	if s.ID == 0 {
		p := appendULEB(nil, uint32(len(s.Name)))
		p = append(p, s.Name...)
		payload = append(p, s.Data...)
	}
	out = append(out, s.ID)
	out = appendULEB(out, uint32(len(payload)))
	return append(out, payload...)
}

func appendULEB(b []byte, v uint32) []byte {
	for v >= 0x80 {
		b = append(b, byte(v&0x7f)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func uleb32(b []byte) (uint32, int, error) {
	var v uint32
	for i := 0; i < 5; i++ {
		if i >= len(b) {
			return 0, 0, errors.New("truncated LEB128 number")
		}
		c := b[i]
		if i == 4 && c > 0x0f {
			return 0, 0, errors.New("LEB128 number overflows 32 bits")
		}
		v |= uint32(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v, i + 1, nil
		}
	}
	return 0, 0, errors.New("LEB128 number overflows 32 bits")
}
