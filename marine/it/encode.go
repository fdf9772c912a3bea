package it

import (
	"fmt"
)

type encoder struct {
	b   []byte
	err error
}

func (e *encoder) byte(c byte) { e.b = append(e.b, c) }

func (e *encoder) uleb(v uint64) {
	for v >= 0x80 {
		e.b = append(e.b, byte(v&0x7f)|0x80)
		v >>= 7
	}
	e.b = append(e.b, byte(v))
}

// string writes a single-byte length and the bytes. The reference truncates
// longer lengths silently; this encoder refuses them.
func (e *encoder) string(what, s string) {
	if len(s) > 255 {
		if e.err == nil {
			e.err = fmt.Errorf("%s %.20q... is %d bytes long, the format allows at most 255", what, s, len(s))
		}
		return
	}
	e.b = append(e.b, byte(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) typ(t Type) {
	e.byte(byte(t.Kind))
	switch t.Kind {
	case Record:
		e.uleb(uint64(t.RecordID))
	case Array:
		if t.Elem == nil {
			if e.err == nil {
				e.err = fmt.Errorf("array type without an element type")
			}
			return
		}
		e.typ(*t.Elem)
	}
}

func (e *encoder) fields(what string, fs []Field) {
	e.uleb(uint64(len(fs)))
	for _, f := range fs {
		e.string(what, f.Name)
		e.typ(f.Type)
	}
}

func (e *encoder) instruction(in Instruction) {
	e.byte(byte(in.Op))
	switch in.Op {
	case OpArgGet, OpCallCore, OpRecordLiftMemory, OpRecordLowerMemory:
		e.uleb(uint64(in.Index))
	case OpI32Push, OpI64Push:
		e.uleb(uint64(in.Value))
	case OpArrayLiftMemory, OpArrayLowerMemory:
		e.typ(in.Type)
	}
}

// Encode writes the section in the reference binary format: the version
// first, then every non-empty group in the order types, imports, adapters,
// exports, implementations.
func (s *Section) Encode() ([]byte, error) {
	e := &encoder{}
	e.byte(groupVersion)
	e.string("version", s.Version)
	if len(s.Types) > 0 {
		e.byte(groupTypes)
		e.uleb(uint64(len(s.Types)))
		for i, t := range s.Types {
			switch {
			case t.Func != nil && t.Record == nil:
				e.byte(0x00)
				e.fields("argument name", t.Func.Args)
				e.uleb(uint64(len(t.Func.Outputs)))
				for _, o := range t.Func.Outputs {
					e.typ(o)
				}
			case t.Record != nil && t.Func == nil:
				e.byte(0x01)
				e.string("record name", t.Record.Name)
				e.fields("field name", t.Record.Fields)
			default:
				return nil, fmt.Errorf("type %d: exactly one of Func and Record must be set", i)
			}
		}
	}
	if len(s.Imports) > 0 {
		e.byte(groupImports)
		e.uleb(uint64(len(s.Imports)))
		for _, im := range s.Imports {
			e.string("import namespace", im.Namespace)
			e.string("import name", im.Name)
			e.uleb(uint64(im.Type))
		}
	}
	if len(s.Adapters) > 0 {
		e.byte(groupAdapters)
		e.uleb(uint64(len(s.Adapters)))
		for _, a := range s.Adapters {
			e.uleb(uint64(a.Type))
			e.uleb(uint64(len(a.Instructions)))
			for _, in := range a.Instructions {
				e.instruction(in)
			}
		}
	}
	if len(s.Exports) > 0 {
		e.byte(groupExports)
		e.uleb(uint64(len(s.Exports)))
		for _, ex := range s.Exports {
			e.string("export name", ex.Name)
			e.uleb(uint64(ex.Type))
		}
	}
	if len(s.Implementations) > 0 {
		e.byte(groupImplementations)
		e.uleb(uint64(len(s.Implementations)))
		for _, im := range s.Implementations {
			e.uleb(uint64(im.Core))
			e.uleb(uint64(im.Adapter))
		}
	}
	if e.err != nil {
		return nil, e.err
	}
	return e.b, nil
}
