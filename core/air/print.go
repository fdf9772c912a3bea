package air

import (
	"strconv"
	"strings"
)

// Print returns the canonical text of a script: the layout the reference
// Aqua compiler writes, so that AIR from either can be compared as text.
// Each compound instruction opens on its own line, its children follow
// indented one space deeper, and its closing parenthesis has a line of its
// own; canon puts two spaces before its destination. For every script the
// reference compiler produces, Print(Parse(script)) == script.
func Print(in Instr) string {
	var b strings.Builder
	b.Grow(printSize(in, 0))
	printInstr(&b, in, 0)
	return b.String()
}

// printSize is about how long the text of in is, at depth: its
// indentation exactly, and a little more than the usual length of each
// line. Print fills a buffer of that size, rather than one that doubles
// on its way up (which allocates three times the text and keeps up to
// twice it), and outgrows it once at most.
func printSize(in Instr, depth int) int {
	const (
		leafLine = 56 // (call ...), (ap ...), (canon ...): 50 in the middle
		openLine = 16 // (seq, (new $s, (fold x i, (match a b
	)
	compound := func(kids ...Instr) int {
		n := depth + openLine + depth + len(")\n")
		for _, k := range kids {
			if k != nil {
				n += printSize(k, depth+1)
			}
		}
		return n
	}
	switch in := in.(type) {
	case *Seq:
		return compound(in.Left, in.Right)
	case *Par:
		return compound(in.Left, in.Right)
	case *Xor:
		return compound(in.Left, in.Right)
	case *New:
		return compound(in.Body)
	case *Match:
		return compound(in.Body)
	case *Fold:
		return compound(in.Body, in.Last)
	}
	return depth + leafLine
}

// FormatValue returns the source form of a value, such as "x.$.[0]" or
// "%init_peer_id%".
func FormatValue(v Value) string {
	var b strings.Builder
	writeValue(&b, v)
	return b.String()
}

func indent(b *strings.Builder, depth int) {
	for range depth {
		b.WriteByte(' ')
	}
}

func printInstr(b *strings.Builder, in Instr, depth int) {
	indent(b, depth)
	switch in := in.(type) {
	case *Seq:
		printCompound(b, "(seq", depth, in.Left, in.Right)
	case *Par:
		printCompound(b, "(par", depth, in.Left, in.Right)
	case *Xor:
		printCompound(b, "(xor", depth, in.Left, in.Right)
	case *New:
		b.WriteString("(new ")
		writeValue(b, in.Var)
		printCompound(b, "", depth, in.Body, nil)
	case *Match:
		if in.Mismatch {
			b.WriteString("(mismatch ")
		} else {
			b.WriteString("(match ")
		}
		writeValue(b, in.Left)
		b.WriteByte(' ')
		writeValue(b, in.Right)
		printCompound(b, "", depth, in.Body, nil)
	case *Fold:
		b.WriteString("(fold ")
		writeValue(b, in.Iterable)
		b.WriteByte(' ')
		writeValue(b, in.Iterator)
		printCompound(b, "", depth, in.Body, in.Last)
	default:
		writeLeaf(b, in)
		b.WriteByte('\n')
	}
}

// printCompound finishes an instruction whose head is already written (or
// is head): its children on the following lines, then the closing line.
func printCompound(b *strings.Builder, head string, depth int, first, second Instr) {
	b.WriteString(head)
	b.WriteByte('\n')
	printInstr(b, first, depth+1)
	if second != nil {
		printInstr(b, second, depth+1)
	}
	indent(b, depth)
	b.WriteString(")\n")
}

// writeLeaf writes a one-line instruction, without indentation or newline.
func writeLeaf(b *strings.Builder, in Instr) {
	switch in := in.(type) {
	case *Call:
		b.WriteString("(call ")
		writeValue(b, in.Peer)
		b.WriteString(" (")
		writeValue(b, in.Service)
		b.WriteByte(' ')
		writeValue(b, in.Function)
		b.WriteString(") [")
		for i, a := range in.Args {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeValue(b, a)
		}
		b.WriteByte(']')
		if in.Output != nil {
			b.WriteByte(' ')
			writeValue(b, in.Output)
		}
		b.WriteByte(')')
	case *Ap:
		b.WriteString("(ap ")
		writeValue(b, in.Arg)
		b.WriteByte(' ')
		writeValue(b, in.Result)
		b.WriteByte(')')
	case *ApMap:
		b.WriteString("(ap (")
		writeValue(b, in.Key)
		b.WriteByte(' ')
		writeValue(b, in.Value)
		b.WriteString(") ")
		writeValue(b, in.Map)
		b.WriteByte(')')
	case *Canon:
		b.WriteString("(canon ")
		writeValue(b, in.Peer)
		b.WriteByte(' ')
		writeValue(b, in.Source)
		b.WriteString("  ")
		writeValue(b, in.Dest)
		b.WriteByte(')')
	case *Next:
		b.WriteString("(next ")
		writeValue(b, in.Iterator)
		b.WriteByte(')')
	case *Fail:
		b.WriteString("(fail ")
		if in.Value != nil {
			writeValue(b, in.Value)
		} else {
			b.WriteString(strconv.FormatInt(in.Code, 10))
			b.WriteString(` "`)
			b.WriteString(in.Message)
			b.WriteByte('"')
		}
		b.WriteByte(')')
	case *Never:
		b.WriteString("(never)")
	case *Null:
		b.WriteString("(null)")
	}
}

func writeValue(b *strings.Builder, v Value) {
	switch v := v.(type) {
	case *String:
		b.WriteByte('"')
		b.WriteString(v.Value)
		b.WriteByte('"')
	case *Number:
		b.WriteString(formatNumber(v))
	case *Bool:
		b.WriteString(strconv.FormatBool(v.Value))
	case *EmptyArray:
		b.WriteString("[]")
	case *InitPeerID:
		b.WriteString("%init_peer_id%")
	case *Timestamp:
		b.WriteString("%timestamp%")
	case *TTL:
		b.WriteString("%ttl%")
	case *LastError:
		b.WriteString("%last_error%")
		v.Lens.write(b)
	case *Error:
		b.WriteString(":error:")
		v.Lens.write(b)
	case *Scalar:
		b.WriteString(v.Name)
		v.Lens.write(b)
	case *CanonStream:
		b.WriteString(v.Name)
		v.Lens.write(b)
	case *CanonMap:
		b.WriteString(v.Name)
		v.Lens.write(b)
	case *Stream:
		b.WriteString(v.Name)
	case *StreamMap:
		b.WriteString(v.Name)
	}
}

func formatNumber(n *Number) string {
	if n.Raw != "" {
		return n.Raw
	}
	if !n.IsFloat {
		return strconv.FormatInt(n.Int, 10)
	}
	s := strconv.FormatFloat(n.Float, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}
