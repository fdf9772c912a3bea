package main

import (
	"context"
	"fmt"
	"runtime"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/avmnode"
	"github.com/aquarium-p2p/aquarium/net/devnet"
	"github.com/spf13/pflag"
)

// interpreterFlags choose what runs the scripts of the peers a command
// starts: core/avm, or the reference avm.wasm.
type interpreterFlags struct {
	name    string
	avmWasm string
}

func (f *interpreterFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&f.name, "interpreter", devnet.NativeInterpreter, "what runs AIR: native (this implementation) or avm.wasm (the reference AquaVM)")
	fl.StringVar(&f.avmWasm, "avm-wasm", "", "path of avm.wasm for --interpreter avm.wasm (default: found in the npm package @fluencelabs/avm)")
}

// load returns the chosen interpreter, loaded on rt; nil for the native
// one, the peers' default. It fails with what to do when avm.wasm is
// asked for and cannot be found.
func (f *interpreterFlags) load(ctx context.Context, rt *marine.Runtime) (devnet.Interpreter, error) {
	switch f.name {
	case devnet.NativeInterpreter:
		if f.avmWasm != "" {
			return nil, fmt.Errorf("--avm-wasm is for --interpreter %s", avmnode.Name)
		}
		return nil, nil
	case avmnode.Name:
		path, err := avmnode.Find(f.avmWasm)
		if err != nil {
			return nil, err
		}
		// As many copies as the node interprets particles at once.
		vm, err := avmnode.Load(ctx, rt, path, min(runtime.GOMAXPROCS(0), 4))
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", path, err)
		}
		return vm, nil
	}
	return nil, fmt.Errorf("--interpreter %q: want %s or %s", f.name, devnet.NativeInterpreter, avmnode.Name)
}

// open is load on a Marine runtime of its own, for commands that have
// none; close releases it. Both are no-ops for the native interpreter.
func (f *interpreterFlags) open(ctx context.Context) (interp devnet.Interpreter, close func(), err error) {
	if f.name == devnet.NativeInterpreter && f.avmWasm == "" {
		return nil, func() {}, nil
	}
	rt, err := marine.New(ctx, marine.Options{CacheDir: marineCacheDir()})
	if err != nil {
		return nil, nil, err
	}
	close = func() { _ = rt.Close(context.WithoutCancel(ctx)) }
	if interp, err = f.load(ctx, rt); err != nil {
		close()
		return nil, nil, err
	}
	return interp, close, nil
}

// forPeers gives every peer interp; nil (the default interpreter) when
// interp is nil.
func forPeers(interp devnet.Interpreter) func(int, peer.ID) devnet.Interpreter {
	if interp == nil {
		return nil
	}
	return func(int, peer.ID) devnet.Interpreter { return interp }
}
