package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/net/inspect"
	"github.com/aquarium-p2p/aquarium/net/nodehost"
	"github.com/aquarium-p2p/aquarium/tui"
)

type attachFlags struct {
	keyFile  string
	noFollow bool
	noTUI    bool
	imports  []string
}

func newAttachCmd() *cobra.Command {
	var f attachFlags
	cmd := &cobra.Command{
		Use:   "attach MULTIADDR",
		Short: "Attach to a running node and follow its particles",
		Long: `Attach to a node running elsewhere over the inspection protocol
` + string(inspect.Protocol) + `.

On a terminal this opens the workbench on the node: its peers, the live
trace of the particles passing through it, and functions run with the
node as relay. Otherwise (or with --no-tui) it prints what the node is
(its peer id, addresses, connections, services), then the trace events
of the particles passing through it, the history it holds first, then
live, until interrupted.

The node must have been started with --allow-inspect naming the peer id
this command attaches as: that of the key in --key (base64 of an Ed25519
seed, the form aquarium node writes), or of a fresh key, printed first.`,
		Example: `  aquarium attach /ip4/10.0.0.1/tcp/7777/p2p/12D3KooW... --key inspector.key
  aquarium attach /ip4/127.0.0.1/tcp/7777/p2p/12D3KooW... --no-follow`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runAttach(cmd, args[0], f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.keyFile, "key", "", "file holding the key to attach with (default: a fresh key)")
	fl.BoolVar(&f.noFollow, "no-follow", false, "print the node's description and the events it holds, then exit")
	fl.BoolVar(&f.noTUI, "no-tui", false, "print events instead of opening the workbench, as when not on a terminal")
	fl.StringArrayVarP(&f.imports, "import", "I", nil, "directory to search for imports in the workbench (repeatable)")
	return cmd
}

// attachKey reads the key to attach with from path, or makes a fresh one
// when path is empty.
func attachKey(path string) (peer.PrivateKey, error) {
	if path == "" {
		return peer.GenerateEd25519(rand.Reader)
	}
	key, _, err := loadOrCreateKey(path, false)
	return key, err
}

func runAttach(cmd *cobra.Command, addr string, f attachFlags) error {
	key, err := attachKey(f.keyFile)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if !f.noTUI && !f.noFollow && interactive() {
		return attachWorkbench(ctx, addr, key, f)
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "attaching as %s\n", peer.IDOf(key))
	s, err := inspect.Attach(ctx, addr, key, inspect.AttachConfig{Version: buildVersion()})
	if err != nil {
		return err
	}
	defer s.Close()
	printInfo(out, s.Info())
	return followSession(ctx, out, s, !f.noFollow)
}

// attachWorkbench opens the workbench on the node at addr.
func attachWorkbench(ctx context.Context, addr string, key peer.PrivateKey, f attachFlags) error {
	open := attacher(key)
	s, err := open(ctx, addr)
	if err != nil {
		return err
	}
	defer s.Close()
	files, err := openFiles(nil)
	if err != nil {
		return err
	}
	node := addr
	if is, ok := s.(*inspect.Session); ok {
		node = is.Node().ShortString()
	}
	return tui.Run(ctx, tui.Options{
		Session: s,
		Compile: compiler(aqua.Config{ImportPaths: f.imports}),
		Files:   files,
		Title:   "attached to " + node,
		Attach:  open,
		Self:    peer.IDOf(key),
	})
}

// attacher opens sessions on remote nodes as the peer of key, for the
// workbench. Logs are dropped: the terminal belongs to the workbench,
// and the nodes report through trace events.
func attacher(key peer.PrivateKey) func(context.Context, string) (session.Session, error) {
	return func(ctx context.Context, addr string) (session.Session, error) {
		s, err := inspect.Attach(ctx, addr, key, inspect.AttachConfig{Version: buildVersion(), Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			return nil, err
		}
		return s, nil
	}
}

// interactive reports whether the command runs on a terminal.
func interactive() bool {
	return term.IsTerminal(os.Stdout.Fd()) && term.IsTerminal(os.Stdin.Fd())
}

func printInfo(w io.Writer, info inspect.Info) {
	fmt.Fprintf(w, "node %s (%s)\n", info.PeerID, info.Version)
	for _, a := range info.Addrs {
		fmt.Fprintf(w, "  listening on %s\n", a)
	}
	fmt.Fprintf(w, "  %d connected peers, %d in the routing table\n", len(info.Connected), info.RoutingTable)
	for _, sv := range info.Services {
		fmt.Fprintf(w, "  service %s %v\n", sv.ID, sv.Aliases)
	}
	fmt.Fprintf(w, "  %d modules; events %d to %d held\n", len(info.Modules), info.FirstEvent, info.LastEvent)
}

// followSession prints the session's events as they come: until ctx ends
// when follow is set, else until the node's history has been printed.
func followSession(ctx context.Context, w io.Writer, s *inspect.Session, follow bool) error {
	events := s.Events()
	sub := events.Subscribe()
	defer sub.Close()
	held := uint64(0)
	if info := s.Info(); info.FirstEvent > 0 {
		held = info.LastEvent - info.FirstEvent + 1
	}
	var next, fromNode uint64 = 1, 0
	for {
		evs, missed := events.Since(next, 1024)
		if missed > 0 {
			fmt.Fprintf(w, "(%d events lost)\n", missed)
		}
		for _, e := range evs {
			next = e.Seq + 1
			fmt.Fprintln(w, e)
			if e.Peer == s.Node() {
				fromNode++
			}
		}
		if !follow && fromNode >= held {
			return nil
		}
		if len(evs) > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-sub.C():
		}
		if err := s.Err(); err != nil {
			return fmt.Errorf("following %s: %w", s.Node(), err)
		}
	}
}

// serveInspection serves the inspection protocol on a node to the peers
// named by ids.
func serveInspection(p *nodehost.Peer, deployer builtin.Deployer, events *trace.Log, ids []string, log *slog.Logger) error {
	allowed, err := parsePeerIDs("--allow-inspect", ids)
	if err != nil {
		return err
	}
	inspect.Serve(p.Libp2p(), inspect.Config{
		Allowed: allowed, Events: events, Deployer: deployer, Logger: log,
		Info: func() inspect.Info {
			info := inspect.Info{PeerID: p.ID(), Version: "aquarium-" + buildVersion(), Connected: p.Peers(), RoutingTable: p.RoutingTableSize()}
			for _, a := range p.Addrs() {
				info.Addrs = append(info.Addrs, a.String())
			}
			return info
		},
	})
	log.Info("inspection allowed", "peers", len(allowed))
	return nil
}

func parsePeerIDs(flag string, ids []string) ([]peer.ID, error) {
	out := make([]peer.ID, len(ids))
	for i, s := range ids {
		id, err := peer.ParseID(s)
		if err != nil {
			return nil, fmt.Errorf("%s %s: not a peer id: %w", flag, s, err)
		}
		out[i] = id
	}
	return out, nil
}
