package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/codegen"
	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/aqua/types"
	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/debug"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/net/client"
	"github.com/aquarium-p2p/aquarium/net/devnet"
	"github.com/spf13/cobra"
)

type runFlags struct {
	call     string
	data     string
	dataPath string
	nodes    int
	relay    string
	ttl      time.Duration
	printAIR bool
	trace    bool
	asJSON   bool
	noXor    bool
	noRelay  bool
	quiet    bool
	showID   bool
	imports  []string
	consts   []string
	deploy   []string
	keyFile  string
	record   string
	interp   interpreterFlags
}

func newRunCmd() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run FILE.aqua -f 'func(arg, \"literal\")'",
		Short: "Run an Aqua function on a network",
		Long: `Compile an Aqua file and run one of its exported functions.

By default the function runs on a local network of --nodes nodes started in
this process; the client connects to node 0 as its relay, and the data name
"nodes" holds every node's peer id (node 0 first) unless --data defines it.
With --relay, the client connects to that node instead.

Arguments in -f are data names (looked up in --data or --data-path) or JSON
literals. An option is [] or [x], as the reference CLI takes it.

The result is printed as one JSON line: the value, an array of values for a
function with several results, or null for none. On failure run exits with
status 1 and says which particle failed, where, in which instruction and
why; a timeout says where the particle was last seen.`,
		Example: `  aquarium run hello.aqua -f 'hello("world")'
  aquarium run peers.aqua -f 'collect(nodes)' --nodes 3 --trace
  aquarium run app.aqua -f 'get(key)' --data '{"key": "k1"}' --relay /ip4/127.0.0.1/tcp/7777/p2p/12D3Koo...`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.call == "" {
				return reportRunError(cmd, errors.New(`-f is required: the function to call, such as -f 'hello("world")'`), f.asJSON)
			}
			if err := runRun(cmd, args[0], f); err != nil {
				return reportRunError(cmd, err, f.asJSON)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.call, "func", "f", "", `the call, such as 'hello("world")' or 'collect(nodes)'`)
	fl.StringVar(&f.data, "data", "", "JSON object of named arguments")
	fl.StringVar(&f.dataPath, "data-path", "", "file holding a JSON object of named arguments")
	fl.IntVar(&f.nodes, "nodes", 5, "nodes in the local network")
	fl.StringVar(&f.relay, "relay", "", "multiaddr of a node to use as relay instead of a local network")
	fl.DurationVar(&f.ttl, "ttl", 15*time.Second, "how long the particle lives")
	fl.BoolVar(&f.printAIR, "print-air", false, "print the function's AIR on standard error")
	fl.BoolVar(&f.trace, "trace", false, "print the particle's hops and calls on standard error")
	fl.BoolVar(&f.asJSON, "json", false, "print every error as JSON on standard output: compile errors, bad arguments, failed runs")
	fl.BoolVar(&f.noXor, "no-xor", false, "compile without the error propagation of on and if blocks")
	fl.BoolVar(&f.noRelay, "no-relay", false, "compile for a client that is not behind a relay: HOST_PEER_ID is the client")
	fl.BoolVar(&f.quiet, "quiet", false, "print only the result (or the error): no warnings, --trace, --print-air or --particle-id")
	fl.BoolVar(&f.showID, "particle-id", false, "print the particle's id on standard error before it starts")
	fl.StringArrayVarP(&f.imports, "import", "I", nil, "directory to search for imports (repeatable)")
	fl.StringArrayVarP(&f.consts, "const", "c", nil, "override a constant declared with ?=, as NAME=VALUE (repeatable)")
	fl.StringVar(&f.keyFile, "key", "", "with --relay, file holding the client's key (base64 Ed25519 seed), such as a node's management key; default a fresh key")
	fl.StringVar(&f.record, "record", "", "save every interpretation this process ran to FILE, for aquarium replay")
	fl.StringArrayVar(&f.deploy, "deploy", nil, "deploy a Marine service on every local node, as ID=MODULE.wasm or ID=CONFIG.toml (repeatable)")
	f.interp.register(fl)
	return cmd
}

func runRun(cmd *cobra.Command, file string, f runFlags) error {
	name, callArgs, err := session.ParseCall(f.call)
	if err != nil {
		return fmt.Errorf("-f %q: %w", f.call, err)
	}
	data, err := loadData(f.data, f.dataPath)
	if err != nil {
		return err
	}
	fn, err := compileFunction(cmd, file, name, f.imports, f.consts, codegen.Options{EmptyResponse: true, NoXor: f.noXor, NoRelay: f.noRelay}, f.quiet)
	if err != nil {
		return err
	}
	script := air.Print(fn.Script)
	if f.quiet {
		f.printAIR, f.trace, f.showID = false, false, false
	}
	if f.printAIR {
		fmt.Fprint(cmd.ErrOrStderr(), script)
	}

	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	events := trace.NewLog(100_000)
	s, rec, closeSession, err := openRunSession(ctx, f, events)
	if err != nil {
		return err
	}
	defer closeSession()
	peers, err := s.Peers(ctx)
	if err != nil {
		return err
	}
	names := map[peer.ID]string{}
	var nodes []peer.ID
	for _, p := range peers {
		names[p.ID] = p.Name
		if p.Role != session.RoleClient {
			nodes = append(nodes, p.ID)
		}
	}
	if _, ok := data["nodes"]; !ok && f.relay == "" {
		data["nodes"], _ = json.Marshal(nodes)
	}

	args, err := bindArgs(fn, callArgs, data)
	if err != nil {
		return err
	}
	call := session.Call{Script: script, Args: args, Results: len(fn.Arrow.Results), TTL: f.ttl, ParticleID: session.NewParticleID()}
	if f.showID {
		fmt.Fprintln(cmd.ErrOrStderr(), "particle", call.ParticleID)
	}
	stopTrace := func() {}
	if f.trace {
		stopTrace = followTrace(ctx, cmd.ErrOrStderr(), events, call.ParticleID, names)
	}
	res, err := s.Run(ctx, call)
	stopTrace()
	if rec != nil {
		// A failed run's recording is the one worth keeping.
		if serr := debug.SaveFile(f.record, rec.Hops(), recordedSources(file)); serr != nil {
			return fmt.Errorf("--record: %w", serr)
		}
	}
	if err != nil {
		return err
	}
	return printResult(cmd.OutOrStdout(), res.Values)
}

// openRunSession opens the session run runs its function on: a local
// network of f.nodes nodes, or a client of the node at f.relay. With
// --record it also returns the recording of every hop this process runs:
// the whole local network's, or only the client's of a remote relay.
// The returned function closes the session and what it needed.
func openRunSession(ctx context.Context, f runFlags, events *trace.Log) (session.Session, *debug.Recording, func(), error) {
	deployments, err := parseDeployments(f.deploy)
	if err != nil {
		return nil, nil, nil, err
	}
	interp, closeInterp, err := f.interp.open(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	s, rec, closeSession, err := dialOrStart(ctx, f, events, deployments, interp)
	if err != nil {
		closeInterp()
		return nil, nil, nil, err
	}
	return s, rec, func() { closeSession(); closeInterp() }, nil
}

// dialOrStart opens the session of openRunSession, its peers running
// scripts with interp.
func dialOrStart(ctx context.Context, f runFlags, events *trace.Log, deployments []deployment, interp devnet.Interpreter) (session.Session, *debug.Recording, func(), error) {
	if f.relay != "" {
		if len(deployments) > 0 {
			return nil, nil, nil, errors.New("--deploy works on the local network only; a remote node deploys services itself")
		}
		key, err := peer.GenerateEd25519(rand.Reader)
		if f.keyFile != "" {
			key, _, err = loadOrCreateKey(f.keyFile, false)
		}
		if err != nil {
			return nil, nil, nil, err
		}
		cfg := client.Config{Events: events, Version: buildVersion(), Interpreter: interp}
		var rec *debug.Recording
		if f.record != "" {
			rec = debug.NewRecording(0)
			cfg.Recorder = rec
		}
		s, err := client.Dial(ctx, f.relay, key, cfg)
		if err != nil {
			return nil, nil, nil, err
		}
		return s, rec, func() { s.Close() }, nil
	}

	services, closeServices, err := localServices(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	var deployErr error
	cfg := devnet.Config{Nodes: f.nodes, Events: events, Version: buildVersion(), Interpreter: forPeers(interp),
		Services: func(i int, id peer.ID) devnet.Services {
			reg := services(i, id)
			for _, d := range deployments {
				if err := reg.Deploy(ctx, d.id, d.path, id); err != nil && deployErr == nil {
					deployErr = err
				}
			}
			return reg
		}}
	s, err := devnet.NewSession(ctx, cfg)
	if err == nil {
		err = deployErr
	}
	if err != nil {
		if s != nil {
			s.Close()
		}
		closeServices()
		return nil, nil, nil, err
	}
	var rec *debug.Recording
	if f.record != "" {
		rec = s.Recording()
	}
	return s, rec, func() { s.Close(); closeServices() }, nil
}

type deployment struct{ id, path string }

func parseDeployments(flags []string) ([]deployment, error) {
	var out []deployment
	for _, d := range flags {
		id, path, ok := strings.Cut(d, "=")
		if !ok || id == "" || path == "" {
			return nil, fmt.Errorf("--deploy %q: want ID=MODULE.wasm or ID=CONFIG.toml", d)
		}
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("--deploy %s: %w", id, err)
		}
		out = append(out, deployment{id, path})
	}
	return out, nil
}

// compileFunction compiles file and returns its exported function name.
// Errors in the program are a *diagnosticsError; warnings are printed
// unless quiet.
func compileFunction(cmd *cobra.Command, file, name string, imports, constFlags []string, opts codegen.Options, quiet bool) (*codegen.Function, error) {
	consts, err := parseConsts(constFlags)
	if err != nil {
		return nil, err
	}
	prog, diags := aqua.Check(aqua.Config{ImportPaths: imports, Constants: consts}, file)
	if diags.HasErrors() {
		return nil, &diagnosticsError{diags: diags, src: prog.Source()}
	}
	if len(diags) > 0 && !quiet {
		_ = diag.Print(cmd.ErrOrStderr(), diags, prog.Source())
	}
	fns, err := codegen.Generate(prog, opts)
	var exported []string
	for i := range fns {
		if fns[i].Name == name {
			return &fns[i], nil
		}
		exported = append(exported, fns[i].Name)
	}
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", file, err)
	}
	if len(exported) == 0 {
		return nil, fmt.Errorf("%s has no exported function %q (it exports none: add export %s)", file, name, name)
	}
	return nil, fmt.Errorf("%s has no exported function %q (exported: %s)", file, name, strings.Join(exported, ", "))
}

func parseConsts(flags []string) (map[string]string, error) {
	consts := map[string]string{}
	for _, c := range flags {
		name, value, ok := strings.Cut(c, "=")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("--const %q: want NAME=VALUE", c)
		}
		consts[strings.TrimSpace(name)] = strings.TrimSpace(value)
	}
	return consts, nil
}

func loadData(inline, path string) (map[string]json.RawMessage, error) {
	data := map[string]json.RawMessage{}
	for _, src := range []struct{ what, text string }{{"--data-path", ""}, {"--data", inline}} {
		text := src.text
		if src.what == "--data-path" {
			if path == "" {
				continue
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			text = string(b)
		}
		if text == "" {
			continue
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(text), &m); err != nil {
			return nil, fmt.Errorf("%s: want a JSON object: %w", src.what, err)
		}
		for k, v := range m {
			data[k] = v
		}
	}
	return data, nil
}

// bindArgs names the call's arguments after the function's parameters.
func bindArgs(fn *codegen.Function, args []session.Arg, data map[string]json.RawMessage) (map[string]json.RawMessage, error) {
	params := fn.Arrow.Params
	if len(args) != len(params) {
		return nil, fmt.Errorf("%s takes %d argument(s) (%s), got %d", fn.Name, len(params), fn.Arrow, len(args))
	}
	out := map[string]json.RawMessage{}
	for i, p := range params {
		if _, isArrow := p.Type.(*types.Arrow); isArrow {
			return nil, fmt.Errorf("%s: argument %s is a function (%s); run cannot provide callbacks", fn.Name, p.Name, p.Type)
		}
		v, err := args[i].Value(data)
		var unknown *session.UnknownDataError
		if errors.As(err, &unknown) {
			known := slices.Sorted(func(yield func(string) bool) {
				for k := range data {
					if !yield(k) {
						return
					}
				}
			})
			return nil, fmt.Errorf("no data named %q for argument %s (data has: %s)", unknown.Name, p.Name, strings.Join(known, ", "))
		}
		if err == nil {
			err = session.CheckArg(p.Name, argType(p.Type), v)
		}
		if err != nil {
			return nil, err
		}
		out[p.Name] = v
	}
	return out, nil
}

func printResult(w io.Writer, values []json.RawMessage) error {
	var out any
	switch len(values) {
	case 0:
		out = nil
	case 1:
		out = values[0]
	default:
		out = values
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func reportRunError(cmd *cobra.Command, err error, asJSON bool) error {
	var (
		fe    *session.Error
		diags *diagnosticsError
	)
	if errors.As(err, &diags) && !asJSON {
		_ = diag.Print(cmd.ErrOrStderr(), diags.diags, diags.src)
		return exitError{1}
	}
	if asJSON {
		out := map[string]any{"error": err.Error()}
		if errors.As(err, &diags) {
			out["diagnostics"] = diags.json()
		}
		if ae := (*session.ArgError)(nil); errors.As(err, &ae) {
			out["path"], out["expected"], out["got"] = ae.Path, ae.Want, ae.Got
		}
		if errors.As(err, &fe) {
			out = map[string]any{"error": fe.Message, "error_code": fe.Code, "peer_id": fe.PeerID, "instruction": fe.Instruction, "particle_id": fe.ParticleID}
		}
		b, _ := json.Marshal(out)
		fmt.Fprintf(cmd.OutOrStdout(), "%s\n", b)
	} else {
		fmt.Fprintln(cmd.ErrOrStderr(), "aquarium:", err)
	}
	return exitError{1}
}

// followTrace prints the particle's events as they happen, with peers
// named after their role, until the returned function is called.
func followTrace(ctx context.Context, w io.Writer, events *trace.Log, particleID string, names map[peer.ID]string) func() {
	ctx, cancel := context.WithCancel(ctx)
	sub := events.Subscribe()
	done := make(chan struct{})
	name := func(id peer.ID) string {
		if n, ok := names[id]; ok {
			return n
		}
		return id.ShortString()
	}
	next := uint64(1)
	flush := func() {
		for {
			evs, _ := events.Since(next, 256)
			if len(evs) == 0 {
				return
			}
			for _, e := range evs {
				next = e.Seq + 1
				if e.Particle == particleID && e.Kind != trace.Verified {
					fmt.Fprintln(w, describeEvent(e, name))
				}
			}
		}
	}
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				flush()
				return
			case <-sub.C():
				flush()
			}
		}
	}()
	return func() { cancel(); <-done; sub.Close() }
}

// describeEvent renders an event for --trace.
func describeEvent(e trace.Event, name func(peer.ID) string) string {
	at := name(e.Peer)
	switch e.Kind {
	case trace.Received:
		if e.From == e.Peer {
			return fmt.Sprintf("%-8s started", at)
		}
		return fmt.Sprintf("%-8s <- %s", at, name(e.From))
	case trace.Sent:
		return fmt.Sprintf("%-8s -> %s (%d bytes)", at, name(e.To), e.DataSize)
	case trace.Interpreted:
		s := fmt.Sprintf("%-8s interpreted", at)
		if e.Interpreter != "" {
			s += " by " + e.Interpreter
		}
		s += fmt.Sprintf(" in %v", e.Duration.Round(time.Microsecond))
		if e.Err != "" {
			s += fmt.Sprintf(": error %d: %s", e.RetCode, e.Err)
		}
		return s
	case trace.CallRequested:
		return fmt.Sprintf("%-8s call %s.%s%s", at, e.Service, e.Function, e.Args)
	case trace.CallFinished:
		if e.Err != "" {
			return fmt.Sprintf("%-8s   %s.%s failed: %s", at, e.Service, e.Function, e.Err)
		}
		return fmt.Sprintf("%-8s   %s.%s = %s", at, e.Service, e.Function, e.Result)
	case trace.Dropped:
		s := fmt.Sprintf("%-8s dropped", at)
		if e.To != "" {
			s += " on its way to " + name(e.To)
		}
		return s + ": " + e.Reason.String() + ": " + e.Err
	}
	return fmt.Sprintf("%-8s %s", at, e.Kind)
}

// recordedSources is the program a recording of a run keeps beside the
// AIR: the file run, when it can still be read.
func recordedSources(file string) []debug.Source {
	text, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	return []debug.Source{{Path: file, Text: string(text)}}
}
