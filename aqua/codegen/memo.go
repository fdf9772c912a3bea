package codegen

import (
	"sync"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/types"
	"github.com/aquarium-p2p/aquarium/core/air"
)

// A Workspace's compilations share what they generate through its
// Memo (aqua.Memo). The AIR of an exported function is kept with all
// that compiling it read of the program: the function itself and the
// functions and services it looked up by name, found or not. A later
// compilation reuses the AIR when each of those names stands for what
// it stood for then, as their fingerprints (fingerprint.go) tell.
// Compiling reads nothing else of the program, so it would make the
// same AIR again: an edit to a function, a function it calls, a type,
// a constant or a service (in the file or in an import) is an edit to
// one of those fingerprints, and so is a function declared before
// another, which changes the names the later one sees
// (funcArrow.captured).
//
// The AIR is kept under the options, the root file and the function's
// name; the fingerprints of what it was made from are worked out when
// a compilation finds it, not when it is kept, so that a program
// compiled once costs no fingerprints.

// compiled is what the Memo keeps of an exported function: its AIR and
// what the names it read stood for, whose fingerprints are worked out
// once, by the first compilation that compares them.
type compiled struct {
	script air.Instr
	reads  []reading

	once sync.Once
	sums []summed
}

// A reading is a name looked up while compiling, and what it stood for.
type reading struct {
	dep
	meaning
}

type dep struct {
	service bool // a service by name; else a function by key
	name    string
}

// meaning is what a name stands for in a program: a function (with
// whether it failed to lower), a service, or nothing. What it points to
// is never modified once Generate has made or found it.
type meaning struct {
	fn     *funcArrow
	failed bool
	srv    *types.Service
}

// summed is a fingerprint worked out, or why there is none.
type summed struct {
	sum fingerprint
	ok  bool
}

// memoKey is the key of an exported function of a root file in the
// Memo, with these options.
func (g *generator) memoKey(root *aqua.File, key string) string {
	var opts byte
	if g.opts.NoRelay {
		opts |= 1
	}
	if g.opts.NoXor {
		opts |= 2
	}
	if g.opts.EmptyResponse {
		opts |= 4
	}
	return "codegen\x00" + string(rune('0'+opts)) + root.Path + "\x00" + key
}

// meaning is what a name stands for in this program.
func (g *generator) meaning(d dep) meaning {
	if d.service {
		return meaning{srv: g.services[d.name]}
	}
	if f := g.funcs[d.name]; f != nil {
		return meaning{fn: f.fa, failed: f.err != nil}
	}
	return meaning{}
}

// sum is the fingerprint of what a name stands for in this program,
// worked out once a Generate.
func (g *generator) sum(d dep) summed {
	if s, ok := g.sums[d]; ok {
		return s
	}
	s := g.enc.meaningSum(g.meaning(d))
	g.sums[d] = s
	return s
}

// meaningSum is the fingerprint of what a name stands for.
func (e *encoder) meaningSum(m meaning) summed {
	if e.b == nil {
		// Enough for most functions.
		e.b = make([]byte, 0, 4<<10)
	}
	e.b, e.failed = e.b[:0], false
	switch {
	case m.srv != nil:
		e.tag(2)
		e.typ(m.srv)
	case m.fn != nil:
		e.tag(1)
		e.bool(m.failed)
		e.funcArrow(m.fn)
	default:
		e.tag(0)
	}
	return summed{sum: e.sum(), ok: !e.failed}
}

// read records that compiling looked a name up.
func (g *generator) read(d dep) {
	if g.reads != nil {
		g.reads[d] = struct{}{}
	}
}

// reuse returns the AIR the Memo keeps under key, if every name it read
// still stands for what it did.
func (g *generator) reuse(memo *aqua.Memo, key string) air.Instr {
	v, ok := memo.Load(key)
	if !ok {
		return nil
	}
	c := v.(*compiled)
	for i, r := range c.reads {
		now := g.meaning(r.dep)
		if r.srv != nil && now.srv == r.srv {
			continue // the very service: one of a module the Workspace kept
		}
		if s, t := g.sum(r.dep), c.sum(i); !s.ok || !t.ok || s.sum != t.sum {
			return nil
		}
	}
	return c.script
}

// sum is the fingerprint of what the i-th name read stood for.
func (c *compiled) sum(i int) summed {
	c.once.Do(func() {
		var e encoder
		c.sums = make([]summed, len(c.reads))
		for i, r := range c.reads {
			c.sums[i] = e.meaningSum(r.meaning)
		}
	})
	return c.sums[i]
}

// keep stores the AIR compiled for the function under key of the
// program, with what the names it read stood for.
func (g *generator) keep(memo *aqua.Memo, mkey, key string, script air.Instr) {
	c := &compiled{script: script, reads: make([]reading, 0, len(g.reads)+1)}
	self := dep{name: key}
	c.reads = append(c.reads, reading{self, g.meaning(self)})
	for d := range g.reads {
		if d != self {
			c.reads = append(c.reads, reading{d, g.meaning(d)})
		}
	}
	memo.Store(mkey, c)
}

// service looks up a service by the name the program's files see it
// by.
func (g *generator) service(name string) *types.Service {
	g.read(dep{service: true, name: name})
	return g.services[name]
}
