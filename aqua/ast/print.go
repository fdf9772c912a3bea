package ast

import (
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// Fprint writes a readable dump of the tree rooted at n, one field a line,
// for tests and debugging. Positions are shown as line:col when fset is
// non-nil and omitted otherwise; nil and empty fields are left out.
func Fprint(w io.Writer, fset *token.FileSet, n any) error {
	p := &printer{fset: fset}
	p.value(reflect.ValueOf(n), 0)
	_, err := io.WriteString(w, p.b.String())
	return err
}

type printer struct {
	b    strings.Builder
	fset *token.FileSet
}

var posType = reflect.TypeFor[token.Pos]()

func (p *printer) value(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			p.b.WriteString("nil")
			return
		}
		p.value(v.Elem(), depth)
	case reflect.Struct:
		p.b.WriteString(v.Type().Name())
		p.b.WriteString(" {")
		wrote := false
		for i := range v.NumField() {
			f, fv := v.Type().Field(i), v.Field(i)
			if fv.IsZero() || f.Type == posType && p.fset == nil {
				continue
			}
			if fv.Kind() == reflect.Slice && fv.Len() == 0 {
				continue
			}
			wrote = true
			p.b.WriteString("\n")
			p.indent(depth + 1)
			p.b.WriteString(f.Name)
			p.b.WriteString(": ")
			p.value(fv, depth+1)
		}
		if wrote {
			p.b.WriteString("\n")
			p.indent(depth)
		}
		p.b.WriteString("}")
		if depth == 0 {
			p.b.WriteString("\n")
		}
	case reflect.Slice:
		p.b.WriteString("[")
		for i := range v.Len() {
			p.b.WriteString("\n")
			p.indent(depth + 1)
			p.value(v.Index(i), depth+1)
		}
		p.b.WriteString("\n")
		p.indent(depth)
		p.b.WriteString("]")
	default:
		if v.Type() == posType {
			pos := p.fset.Position(token.Pos(v.Int()))
			fmt.Fprintf(&p.b, "%d:%d", pos.Line, pos.Column)
			return
		}
		fmt.Fprintf(&p.b, "%#v", v.Interface())
	}
}

func (p *printer) indent(depth int) {
	p.b.WriteString(strings.Repeat("  ", depth))
}
