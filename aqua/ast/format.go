package ast

import "strings"

// ExprString formats an expression as source text. Binary expressions are
// fully parenthesised, which makes the result unambiguous: tests use it to
// check precedence and diagnostics use it to quote expressions.
func ExprString(x Expr) string {
	var b strings.Builder
	writeExpr(&b, x)
	return b.String()
}

func writeExpr(b *strings.Builder, x Expr) {
	switch x := x.(type) {
	case *Ident:
		b.WriteString(x.Name)
	case *BasicLit:
		b.WriteString(x.Value)
	case *ParenExpr:
		writeExpr(b, x.X)
	case *UnaryExpr:
		b.WriteString(x.Op)
		writeExpr(b, x.X)
	case *BinaryExpr:
		b.WriteByte('(')
		writeExpr(b, x.X)
		b.WriteString(" " + x.Op + " ")
		writeExpr(b, x.Y)
		b.WriteByte(')')
	case *CollectionLit:
		b.WriteString([...]string{"", "?", "*"}[x.Kind])
		b.WriteByte('[')
		writeList(b, x.Elems)
		b.WriteByte(']')
	case *KeyValueExpr:
		b.WriteString(x.Key.Name + " = ")
		writeExpr(b, x.Value)
	case *CallExpr:
		writeExpr(b, x.Fun)
		if len(x.Abilities) > 0 {
			b.WriteByte('{')
			writeList(b, x.Abilities)
			b.WriteByte('}')
		}
		b.WriteByte('(')
		writeList(b, x.Args)
		b.WriteByte(')')
	case *SelectorExpr:
		writeExpr(b, x.X)
		b.WriteString("." + x.Sel.Name)
	case *IndexExpr:
		writeExpr(b, x.X)
		b.WriteByte('[')
		writeExpr(b, x.Index)
		b.WriteByte(']')
	case *BangExpr:
		writeExpr(b, x.X)
		b.WriteByte('!')
		if x.Index != nil {
			b.WriteString(x.Index.Value)
		}
	case *FuncLit:
		if x.Detached {
			b.WriteString("func ")
		}
		b.WriteString(TypeString(x.Type))
	case *BadExpr:
		b.WriteString("BadExpr")
	}
}

func writeList(b *strings.Builder, xs []Expr) {
	for i, x := range xs {
		if i > 0 {
			b.WriteString(", ")
		}
		writeExpr(b, x)
	}
}

// TypeString formats a type expression as source text.
func TypeString(t Type) string {
	var b strings.Builder
	writeType(&b, t)
	return b.String()
}

func writeType(b *strings.Builder, t Type) {
	switch t := t.(type) {
	case *NamedType:
		b.WriteString(t.Name.String())
	case *ArrayType:
		b.WriteString("[]")
		writeType(b, t.Elem)
	case *OptionType:
		b.WriteString("?")
		writeType(b, t.Elem)
	case *StreamType:
		b.WriteString("*")
		writeType(b, t.Elem)
	case *StreamMapType:
		b.WriteString("%")
		writeType(b, t.Elem)
	case *TopBottomType:
		if t.Top {
			b.WriteString("⊤")
		} else {
			b.WriteString("⊥")
		}
	case *ArrowType:
		if len(t.Abilities) > 0 {
			b.WriteByte('{')
			for i, a := range t.Abilities {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(a.Name.String())
			}
			b.WriteByte('}')
		}
		b.WriteByte('(')
		for i, p := range t.Params {
			if i > 0 {
				b.WriteString(", ")
			}
			if p.Name != nil {
				b.WriteString(p.Name.Name + ": ")
			}
			writeType(b, p.Type)
		}
		b.WriteString(") -> ")
		if len(t.Results) == 0 {
			b.WriteString("()")
		}
		for i, r := range t.Results {
			if i > 0 {
				b.WriteString(", ")
			}
			if _, arrow := r.(*ArrowType); arrow {
				b.WriteByte('(')
				writeType(b, r)
				b.WriteByte(')')
			} else {
				writeType(b, r)
			}
		}
	}
}
