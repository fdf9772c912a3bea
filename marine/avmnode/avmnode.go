// Package avmnode lets a node run its particles on avm.wasm, the reference
// AIR interpreter (AquaVM, from the npm package @fluencelabs/avm), instead
// of the native one in core/avm: it adapts marine/avmwasm to the
// node.Interpreter interface.
//
// A node on avm.wasm behaves as the reference peers do, which makes it
// the yardstick for the native interpreter: the same network, the same
// particles, one interpreter swapped.
//
// avm.wasm does not say when a script has completed on a peer (the native
// interpreter's Outcome.Complete), so a peer running it never reports a
// particle completed; nodes do not need to, only clients of functions
// without results do.
package avmnode

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/aquarium-p2p/aquarium/core/node"
	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/avmwasm"
)

// Name is the name of this interpreter in the trace and on the command
// line.
const Name = "avm.wasm"

// Interpreter is avm.wasm as a node's interpreter. It is safe for
// concurrent use: each run takes one of its instances of the module.
type Interpreter struct {
	free chan *avmwasm.Interpreter
	all  []*avmwasm.Interpreter
}

var _ node.Interpreter = (*Interpreter)(nil)

// Load loads instances copies of the avm.wasm at path on rt (at least
// one). Interpretations run in parallel up to the number of copies; each
// copy holds its own linear memory, some megabytes.
func Load(ctx context.Context, rt *marine.Runtime, path string, instances int) (*Interpreter, error) {
	instances = max(instances, 1)
	in := &Interpreter{free: make(chan *avmwasm.Interpreter, instances)}
	for range instances {
		vm, err := avmwasm.Load(ctx, rt, path)
		if err != nil {
			_ = in.Close(ctx)
			return nil, err
		}
		in.all = append(in.all, vm)
		in.free <- vm
	}
	return in, nil
}

// Close unloads every copy of the module.
func (in *Interpreter) Close(ctx context.Context) error {
	var errs []error
	for _, vm := range in.all {
		errs = append(errs, vm.Close(ctx))
	}
	in.all = nil
	return errors.Join(errs...)
}

// Name returns Name.
func (in *Interpreter) Name() string { return Name }

// Run interprets script with one of the copies of avm.wasm.
func (in *Interpreter) Run(ctx context.Context, p avm.Params, script string, prev, current []byte, results map[uint32]avm.CallResult) (avm.Outcome, error) {
	var vm *avmwasm.Interpreter
	select {
	case vm = <-in.free:
	case <-ctx.Done():
		return avm.Outcome{}, ctx.Err()
	}
	defer func() { in.free <- vm }()
	wres := make(map[uint32]avmwasm.CallResult, len(results))
	for id, r := range results {
		wres[id] = avmwasm.CallResult{RetCode: r.RetCode, Result: r.Result}
	}
	params := avmwasm.Params{InitPeerID: p.InitPeerID, CurrentPeerID: p.CurrentPeerID, Timestamp: p.Timestamp,
		TTL: p.TTL, ParticleID: p.ParticleID, Key: p.Key}
	out, err := vm.Run(ctx, params, script, prev, current, wres)
	if err != nil {
		return avm.Outcome{}, err
	}
	o := avm.Outcome{Data: out.Data, NextPeers: out.NextPeers, RetCode: out.RetCode, ErrorMessage: out.ErrorMessage,
		CallRequests: make(map[uint32]avm.CallRequest, len(out.CallRequests))}
	for id, r := range out.CallRequests {
		req := avm.CallRequest{ServiceID: r.ServiceID, FunctionName: r.FunctionName, Arguments: r.Arguments,
			Tetraplets: make([][]data.Tetraplet, len(r.Tetraplets))}
		for i, ts := range r.Tetraplets {
			for _, t := range ts {
				req.Tetraplets[i] = append(req.Tetraplets[i], data.Tetraplet{PeerPK: t.PeerPK, ServiceID: t.ServiceID,
					FunctionName: t.FunctionName, Lens: t.Lens})
			}
		}
		o.CallRequests[id] = req
	}
	return o, nil
}

// EnvNodeModules names a node_modules directory to look for the npm
// package @fluencelabs/avm in.
const EnvNodeModules = "AQUARIUM_REFERENCE_NODE_MODULES"

// packagePath is where avm.wasm is inside a node_modules directory.
var packagePath = filepath.Join("@fluencelabs", "avm", "dist", "avm.wasm")

// Find returns the path of avm.wasm: path itself if it is not empty,
// else the one in the npm package @fluencelabs/avm found in
// $AQUARIUM_REFERENCE_NODE_MODULES, in a node_modules directory of the
// working directory or one above it, or in the caches the reference
// toolchain is installed to. The error says where it looked and how to
// install it.
func Find(path string) (string, error) {
	if path != "" {
		if _, err := os.Stat(path); err != nil {
			return "", fmt.Errorf("avm.wasm: %w", err)
		}
		return path, nil
	}
	var dirs []string
	if d := os.Getenv(EnvNodeModules); d != "" {
		dirs = append(dirs, d)
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			dirs = append(dirs, filepath.Join(d, "node_modules"))
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".cache", "aquarium", "reference", "node_modules"),
			filepath.Join(home, ".cache", "aqua-reference", "node_modules"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, packagePath)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("avm.wasm not found: pass --avm-wasm PATH, or run `npm install @fluencelabs/avm@0.62.0` "+
		"here or in the directory %s names (looked for %s in %d node_modules directories)", EnvNodeModules, packagePath, len(dirs))
}
