package it

import (
	"fmt"
	"strings"
)

// Text renders the section in the reference's (@interface ...) text
// notation, one declaration per line, type indices noted in comments.
func (s *Section) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "(@interface it_version %q)\n", s.Version)
	if len(s.Types) > 0 {
		b.WriteString("\n;; Types\n")
		for i, t := range s.Types {
			switch {
			case t.Func != nil:
				b.WriteString("(@interface type (func")
				if len(t.Func.Args) > 0 {
					b.WriteString(" (param")
					for _, a := range t.Func.Args {
						fmt.Fprintf(&b, " $%s: %s", a.Name, a.Type)
					}
					b.WriteString(")")
				}
				if len(t.Func.Outputs) > 0 {
					b.WriteString(" (result")
					for _, o := range t.Func.Outputs {
						fmt.Fprintf(&b, " %s", o)
					}
					b.WriteString(")")
				}
				b.WriteString("))")
			case t.Record != nil:
				fmt.Fprintf(&b, "(@interface type (record $%s", t.Record.Name)
				for _, f := range t.Record.Fields {
					fmt.Fprintf(&b, " (field $%s: %s)", f.Name, f.Type)
				}
				b.WriteString("))")
			}
			fmt.Fprintf(&b, "   ;; %d\n", i)
		}
	}
	if len(s.Imports) > 0 {
		b.WriteString("\n;; Imports\n")
		for _, im := range s.Imports {
			fmt.Fprintf(&b, "(@interface import %q %q (func (type %d)))\n", im.Namespace, im.Name, im.Type)
		}
	}
	if len(s.Adapters) > 0 {
		b.WriteString("\n;; Adapters\n")
		for _, a := range s.Adapters {
			fmt.Fprintf(&b, "(@interface func (type %d)", a.Type)
			for _, in := range a.Instructions {
				b.WriteString("\n  ")
				b.WriteString(in.String())
			}
			b.WriteString(")\n")
		}
	}
	if len(s.Exports) > 0 {
		b.WriteString("\n;; Exports\n")
		for _, e := range s.Exports {
			fmt.Fprintf(&b, "(@interface export %q (func %d))\n", e.Name, e.Type)
		}
	}
	if len(s.Implementations) > 0 {
		b.WriteString("\n;; Implementations\n")
		for _, im := range s.Implementations {
			fmt.Fprintf(&b, "(@interface implement (func %d) (func %d))\n", im.Core, im.Adapter)
		}
	}
	return b.String()
}
