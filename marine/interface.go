package marine

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/aquarium-p2p/aquarium/marine/it"
)

// Interface describes what a module offers: its callable functions, in
// export order, and the records they use, each after the records it
// contains.
type Interface struct {
	Functions []Function
	Records   []*it.RecordType
	section   *it.Section
}

// Function is the signature of a callable function.
type Function struct {
	Name    string
	Args    []it.Field
	Outputs []it.Type
}

func newInterface(s *it.Section) (Interface, error) {
	iface := Interface{section: s}
	seen := make(map[uint32]bool)
	var visit func(t it.Type, depth int) error
	visit = func(t it.Type, depth int) error {
		if depth > 64 {
			return fmt.Errorf("record types nested deeper than 64 levels")
		}
		switch t.Kind {
		case it.Array:
			return visit(*t.Elem, depth+1)
		case it.Record:
			if seen[t.RecordID] {
				return nil
			}
			seen[t.RecordID] = true
			r, err := s.Record(t.RecordID)
			if err != nil {
				return err
			}
			for _, f := range r.Fields {
				if err := visit(f.Type, depth+1); err != nil {
					return err
				}
			}
			iface.Records = append(iface.Records, r)
		}
		return nil
	}
	for _, e := range s.Exports {
		adapterType, ok := s.AdapterFor(e.Type)
		if !ok {
			continue
		}
		fn, err := s.Func(adapterType)
		if err != nil {
			return Interface{}, fmt.Errorf("export %s: %w", e.Name, err)
		}
		for _, a := range fn.Args {
			if err := visit(a.Type, 0); err != nil {
				return Interface{}, fmt.Errorf("export %s: %w", e.Name, err)
			}
		}
		for _, o := range fn.Outputs {
			if err := visit(o, 0); err != nil {
				return Interface{}, fmt.Errorf("export %s: %w", e.Name, err)
			}
		}
		iface.Functions = append(iface.Functions, Function{Name: e.Name, Args: fn.Args, Outputs: fn.Outputs})
	}
	return iface, nil
}

// Function returns the function called name.
func (i Interface) Function(name string) (Function, bool) {
	for _, f := range i.Functions {
		if f.Name == name {
			return f, true
		}
	}
	return Function{}, false
}

// TypeName names a type in the notation of Aqua and the reference's
// interface listings: i32, []u8, []string, record names.
func (i Interface) TypeName(t it.Type) string { return i.section.TypeName(t) }

// Signature formats a function as "name(arg: type, ...) -> type".
func (i Interface) Signature(f Function) string {
	var b strings.Builder
	b.WriteString(f.Name)
	b.WriteString("(")
	for j, a := range f.Args {
		if j > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s: %s", a.Name, i.TypeName(a.Type))
	}
	b.WriteString(")")
	for _, o := range f.Outputs {
		fmt.Fprintf(&b, " -> %s", i.TypeName(o))
	}
	return b.String()
}

// Aqua writes the interface as Aqua declarations, ready to paste: one data
// type per record and a service with one arrow per function. serviceID
// is the default service id; it may be empty.
func (i Interface) Aqua(service, serviceID string) string {
	var b strings.Builder
	for _, r := range i.Records {
		fmt.Fprintf(&b, "data %s:\n", aquaTypeName(r.Name))
		for _, f := range r.Fields {
			fmt.Fprintf(&b, "  %s: %s\n", f.Name, i.aquaType(f.Type))
		}
		b.WriteString("\n")
	}
	if serviceID != "" {
		fmt.Fprintf(&b, "service %s(%q):\n", aquaTypeName(service), serviceID)
	} else {
		fmt.Fprintf(&b, "service %s:\n", aquaTypeName(service))
	}
	if len(i.Functions) == 0 {
		b.WriteString("  -- the module exports no functions\n")
	}
	for _, f := range i.Functions {
		fmt.Fprintf(&b, "  %s(", f.Name)
		for j, a := range f.Args {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s: %s", a.Name, i.aquaType(a.Type))
		}
		b.WriteString(")")
		for _, o := range f.Outputs {
			fmt.Fprintf(&b, " -> %s", i.aquaType(o))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func (i Interface) aquaType(t it.Type) string {
	if t.Kind == it.Record {
		if r, err := i.section.Record(t.RecordID); err == nil {
			return aquaTypeName(r.Name)
		}
	}
	if t.Kind == it.Array {
		return "[]" + i.aquaType(*t.Elem)
	}
	return i.section.TypeName(t)
}

// aquaTypeName turns a name into an Aqua type name, which must start
// with an upper-case letter: "greeting_service" becomes "GreetingService".
func aquaTypeName(name string) string {
	var b strings.Builder
	upper := true
	for _, r := range name {
		if r == '_' || r == '-' || r == '.' || r == ' ' {
			upper = true
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	s := b.String()
	if s == "" || !unicode.IsLetter(rune(s[0])) {
		s = "Module" + s
	}
	return s
}
