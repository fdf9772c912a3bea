package devnet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/aquarium-p2p/aquarium/core/node"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/avmnode"
)

// Interpreters are the names SetInterpreter takes.
var Interpreters = []string{node.Native, avmnode.Name}

// SetInterpreter makes node i run its scripts with the interpreter named
// name (one of Interpreters) from its next interpretation on. avm.wasm is
// loaded on first use, from where avmnode.Find looks for it, and shared
// by the nodes that run it.
func (n *Network) SetInterpreter(ctx context.Context, i int, name string) error {
	nodes := n.Nodes()
	if i < 0 || i >= len(nodes) {
		return fmt.Errorf("devnet: no node %d", i)
	}
	var in node.Interpreter
	switch name {
	case node.Native:
		in = node.NativeInterpreter{}
	case avmnode.Name:
		vm, err := n.avm.load(ctx)
		if err != nil {
			return err
		}
		in = vm
	default:
		return fmt.Errorf("devnet: no interpreter %q (want one of %v)", name, Interpreters)
	}
	nodes[i].SetInterpreter(in)
	return nil
}

// avmLoader loads avm.wasm once, on a Marine runtime of its own.
type avmLoader struct {
	mu sync.Mutex
	rt *marine.Runtime
	vm *avmnode.Interpreter
}

func (l *avmLoader) load(ctx context.Context) (*avmnode.Interpreter, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.vm != nil {
		return l.vm, nil
	}
	path, err := avmnode.Find("")
	if err != nil {
		return nil, err
	}
	opts := marine.Options{}
	if dir, err := os.UserCacheDir(); err == nil {
		opts.CacheDir = filepath.Join(dir, "aquarium", "wasm")
	}
	if l.rt == nil {
		if l.rt, err = marine.New(ctx, opts); err != nil {
			return nil, err
		}
	}
	if l.vm, err = avmnode.Load(ctx, l.rt, path, 4); err != nil {
		return nil, err
	}
	return l.vm, nil
}

// close releases the runtime, if avm.wasm was loaded.
func (l *avmLoader) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rt == nil {
		return nil
	}
	err := l.rt.Close(context.Background())
	l.rt, l.vm = nil, nil
	return err
}

// SetInterpreter makes node id run its scripts with the interpreter named
// name: node.Native or avmnode.Name (see Network.SetInterpreter).
func (s *Session) SetInterpreter(ctx context.Context, id peer.ID, name string) error {
	i := slices.IndexFunc(s.net.Nodes(), func(p *Peer) bool { return p.ID() == id })
	if i < 0 {
		return fmt.Errorf("devnet: %s is not a node of this network", id)
	}
	return s.net.SetInterpreter(ctx, i, name)
}
