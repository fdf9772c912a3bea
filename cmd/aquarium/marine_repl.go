package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/aquarium-p2p/aquarium/marine"
)

func newMarineReplCmd() *cobra.Command {
	var (
		cacheDir    string
		timeout     time.Duration
		historyPath string
	)
	cmd := &cobra.Command{
		Use:   "repl [CONFIG.toml|MODULE.wasm]",
		Short: "Load Marine modules and call them by hand",
		Long: `Start a session for trying Marine modules by hand: load and unload
services, call their functions with JSON arguments, read their
interfaces and watch their memory and call counts. Type help for the
commands.

A service given on the command line is loaded first, named after its
facade module. On a terminal, lines can be edited and the history
(kept in the user cache directory) browsed with the arrow keys; from
a pipe, commands are read one per line, and the session ends with a
non-zero status if any of them failed.`,
		Example: `  aquarium marine repl Config.toml
  printf 'load g greeting.wasm\ncall g greeting ["Marine"]\n' | aquarium marine repl`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if cacheDir == "" {
				if dir, err := os.UserCacheDir(); err == nil {
					cacheDir = filepath.Join(dir, "aquarium", "wasm")
				}
			}
			logs := &logSink{w: cmd.ErrOrStderr()}
			logger := slog.New(slog.NewTextHandler(logs, nil))
			rt, err := marine.New(ctx, marine.Options{CacheDir: cacheDir, Logger: logger})
			if err != nil {
				return err
			}
			r := &repl{rt: rt, out: cmd.OutOrStdout(), errOut: cmd.ErrOrStderr(), logs: logs, timeout: timeout, services: map[string]*replService{}}
			defer r.close(context.WithoutCancel(ctx))
			if len(args) == 1 {
				cfg, err := serviceConfig(cmd.ErrOrStderr(), args[0])
				if err != nil {
					return err
				}
				name := cfg.Modules[len(cfg.Modules)-1].Name
				if err := r.load(ctx, name, args[0]); err != nil {
					return err
				}
				fmt.Fprintf(r.out, "loaded %s\n", name)
			}
			in := cmd.InOrStdin()
			if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				if historyPath == "" {
					if dir, err := os.UserCacheDir(); err == nil {
						historyPath = filepath.Join(dir, "aquarium", "marine_repl_history")
					}
				}
				return r.interactive(ctx, f, historyPath)
			}
			if failed := r.script(ctx, in); failed > 0 {
				fmt.Fprintf(r.errOut, "%d command(s) failed\n", failed)
				return exitError{code: 1}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&cacheDir, "cache", "", "directory of compiled code (default: the user cache directory)")
	cmd.Flags().DurationVarP(&timeout, "timeout", "t", 0, "stop each call after this long (e.g. 2s); 0 waits forever")
	cmd.Flags().StringVar(&historyPath, "history", "", "file keeping the line history on a terminal (default: in the user cache directory)")
	return cmd
}

// repl is a session: the services loaded, by name.
type repl struct {
	rt       *marine.Runtime
	out      io.Writer
	errOut   io.Writer
	logs     *logSink
	timeout  time.Duration
	services map[string]*replService
}

// replService is a loaded service and what the session counted of it.
type replService struct {
	svc      *marine.Service
	path     string
	calls    int
	failed   int
	callTime time.Duration
}

const replHelp = `Commands:
  load NAME PATH           load a module (.wasm) or a service (Config.toml) as NAME
  unload NAME              unload the service NAME
  call NAME FUNCTION JSON  call a function; JSON is an array (by position) or object (by name)
  interface [NAME]         show the functions and records of one service or of all
  stats                    show each service's modules, memory and calls
  help                     show this help
  quit                     end the session (so does end of input)
`

// errQuit ends the session.
var errQuit = errors.New("quit")

// exec runs one command line.
func (r *repl) exec(ctx context.Context, line string) error {
	verb, rest := cutWord(line)
	switch verb {
	case "":
		return nil
	case "help", "?":
		fmt.Fprint(r.out, replHelp)
		return nil
	case "quit", "exit":
		return errQuit
	case "load":
		name, path := cutWord(rest)
		if name == "" || path == "" || strings.ContainsAny(path, " \t") {
			return errors.New("usage: load NAME PATH")
		}
		if err := r.load(ctx, name, path); err != nil {
			return err
		}
		fmt.Fprintf(r.out, "loaded %s\n", name)
		return nil
	case "unload":
		if rest == "" || strings.ContainsAny(rest, " \t") {
			return errors.New("usage: unload NAME")
		}
		s, err := r.service(rest)
		if err != nil {
			return err
		}
		delete(r.services, rest)
		if err := s.svc.Close(ctx); err != nil {
			return fmt.Errorf("unload %s: %w", rest, err)
		}
		fmt.Fprintf(r.out, "unloaded %s\n", rest)
		return nil
	case "call":
		name, rest := cutWord(rest)
		fn, args := cutWord(rest)
		if name == "" || fn == "" {
			return errors.New("usage: call NAME FUNCTION [JSON]")
		}
		return r.call(ctx, name, fn, args)
	case "interface":
		if strings.ContainsAny(rest, " \t") {
			return errors.New("usage: interface [NAME]")
		}
		return r.showInterface(rest)
	case "stats":
		if rest != "" {
			return errors.New("usage: stats")
		}
		r.stats()
		return nil
	}
	return fmt.Errorf("unknown command %q; type help for the commands", verb)
}

// cutWord splits off the first word of s, the rest keeping its inner
// spacing (call arguments are JSON).
func cutWord(s string) (word, rest string) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

func (r *repl) service(name string) (*replService, error) {
	s, ok := r.services[name]
	if !ok {
		return nil, fmt.Errorf("no service %q loaded (loaded: %s)", name, r.names())
	}
	return s, nil
}

func (r *repl) names() string {
	if len(r.services) == 0 {
		return "none"
	}
	return strings.Join(r.sortedServices(), ", ")
}

func (r *repl) sortedServices() []string {
	return slices.Sorted(maps.Keys(r.services))
}

func (r *repl) load(ctx context.Context, name, path string) error {
	if _, ok := r.services[name]; ok {
		return fmt.Errorf("a service %q is already loaded; unload it first", name)
	}
	cfg, err := serviceConfig(r.errOut, path)
	if err != nil {
		return err
	}
	svc, err := r.rt.LoadService(ctx, cfg, marine.ServiceOptions{ID: name})
	if err != nil {
		return err
	}
	r.services[name] = &replService{svc: svc, path: path}
	return nil
}

func (r *repl) call(ctx context.Context, name, fn, args string) error {
	s, err := r.service(name)
	if err != nil {
		return err
	}
	in := json.RawMessage("null")
	if args != "" {
		if !json.Valid([]byte(args)) {
			return fmt.Errorf("call %s %s: the arguments are not valid JSON: %s", name, fn, args)
		}
		in = json.RawMessage(args)
	}
	if r.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.timeout)
		defer cancel()
	}
	start := time.Now()
	out, err := s.svc.Call(ctx, fn, in, marine.CallParameters{})
	s.calls++
	s.callTime += time.Since(start)
	if err != nil {
		s.failed++
		return err
	}
	fmt.Fprintln(r.out, string(out))
	return nil
}

func (r *repl) showInterface(name string) error {
	names := r.sortedServices()
	if name != "" {
		if _, err := r.service(name); err != nil {
			return err
		}
		names = []string{name}
	}
	for i, n := range names {
		if i > 0 {
			fmt.Fprintln(r.out)
		}
		iface := r.services[n].svc.Interface()
		fmt.Fprintf(r.out, "%s:\n", n)
		for _, rec := range iface.Records {
			fields := make([]string, len(rec.Fields))
			for j, f := range rec.Fields {
				fields[j] = f.Name + ": " + iface.TypeName(f.Type)
			}
			fmt.Fprintf(r.out, "  record %s { %s }\n", rec.Name, strings.Join(fields, ", "))
		}
		for _, f := range iface.Functions {
			fmt.Fprintf(r.out, "  %s\n", iface.Signature(f))
		}
	}
	return nil
}

func (r *repl) stats() {
	w := tabwriter.NewWriter(r.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SERVICE\tMODULES\tMEMORY\tCALLS\tFAILED\tMEAN CALL")
	for _, n := range r.sortedServices() {
		s := r.services[n]
		mean := "-"
		if s.calls > 0 {
			mean = (s.callTime / time.Duration(s.calls)).Round(time.Microsecond).String()
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%s\n", n, strings.Join(s.svc.Modules(), ","), kib(s.svc.MemoryUsed()), s.calls, s.failed, mean)
	}
	_ = w.Flush()
}

func kib(n uint64) string { return fmt.Sprintf("%d KiB", n/1024) }

func (r *repl) close(ctx context.Context) {
	for _, n := range r.sortedServices() {
		_ = r.services[n].svc.Close(ctx)
	}
	_ = r.rt.Close(ctx)
}

// script runs the commands of in, one a line, and returns how many
// failed. Errors go to the error output, prefixed with the line number.
func (r *repl) script(ctx context.Context, in io.Reader) int {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	failed := 0
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") {
			continue
		}
		err := r.exec(ctx, line)
		if errors.Is(err, errQuit) {
			break
		}
		if err != nil {
			fmt.Fprintf(r.errOut, "line %d: %v\n", n, err)
			failed++
		}
		if ctx.Err() != nil {
			break
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(r.errOut, "reading commands: %v\n", err)
		failed++
	}
	return failed
}

// interactive runs a session on a terminal, with line editing and a
// history kept in historyPath (none if empty).
func (r *repl) interactive(ctx context.Context, f *os.File, historyPath string) error {
	state, err := term.MakeRaw(int(f.Fd()))
	if err != nil {
		return err
	}
	defer func() { _ = term.Restore(int(f.Fd()), state) }()
	screen := struct {
		io.Reader
		io.Writer
	}{f, os.Stdout}
	t := term.NewTerminal(screen, "marine> ")
	hist := loadHistory(historyPath, 1000)
	t.History = hist
	// In raw mode a newline does not return the carriage: write through
	// the terminal, which translates.
	r.out, r.errOut = t, t
	// The modules' log lines too: written past the terminal, they would
	// leave the cursor mid-line, and the next output would start there.
	if r.logs != nil {
		r.logs.set(t)
	}
	fmt.Fprintln(t, "Marine REPL; type help for the commands.")
	for ctx.Err() == nil {
		line, err := t.ReadLine()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		err = r.exec(ctx, line)
		if errors.Is(err, errQuit) {
			return nil
		}
		if err != nil {
			fmt.Fprintf(t, "error: %v\n", err)
		}
		if hist.err != nil {
			fmt.Fprintf(t, "history: %v (it is no longer saved)\n", hist.err)
			hist.err, hist.path = nil, ""
		}
	}
	return ctx.Err()
}

// logSink is where the runtime's log goes: the error output, and on a
// terminal the line editor, which starts each line at the left edge and
// draws the prompt again after it.
type logSink struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (l *logSink) set(w io.Writer) {
	l.mu.Lock()
	l.w = w
	l.mu.Unlock()
}
