package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/registry"
	"github.com/aquarium-p2p/aquarium/net/devnet"
	"github.com/spf13/cobra"
)

type upFlags struct {
	nodes    int
	seed     uint64
	logLevel string
	interp   interpreterFlags
}

func newUpCmd() *cobra.Command {
	var f upFlags
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Run a local network for apps until interrupted",
		Long: `Start a local network of --nodes nodes in this process, without a
terminal interface, for apps to use: each node listens on loopback, on TCP
and on WebSocket, and runs the builtin and Marine services.

The first lines printed are the nodes' addresses, one a line, in the form
js-client's Fluence.connect takes (/ip4/127.0.0.1/tcp/PORT/ws/p2p/PEERID);
the TCP addresses and the peer ids follow on standard error. The network
runs until interrupted (Ctrl-C, SIGTERM), then stops cleanly.

The nodes' keys derive from --seed, so the peer ids are the same on every
start; the ports are not.`,
		Example: `  aquarium up
  aquarium up --nodes 3 --interpreter avm.wasm`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runUp(cmd, f) },
	}
	fl := cmd.Flags()
	fl.IntVar(&f.nodes, "nodes", 3, "nodes in the network")
	fl.Uint64Var(&f.seed, "seed", 0, "seed the nodes' keys derive from")
	fl.StringVar(&f.logLevel, "log-level", "warn", "debug, info, warn or error: what is logged of the particles' drops and failures")
	f.interp.register(fl)
	return cmd
}

func runUp(cmd *cobra.Command, f upFlags) error {
	if f.nodes < 1 {
		return errors.New("--nodes must be at least 1")
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	rt, err := marine.New(ctx, marine.Options{CacheDir: marineCacheDir(), Logger: log})
	if err != nil {
		return err
	}
	defer rt.Close(context.WithoutCancel(ctx))
	interp, err := f.interp.load(ctx, rt)
	if err != nil {
		return err
	}
	events := trace.NewLog(100_000)
	cfg := devnet.Config{
		Nodes: f.nodes, Seed: f.seed, Events: events, Logger: log, Version: buildVersion(),
		Services:    func(_ int, id peer.ID) devnet.Services { return registry.New(rt, id) },
		Interpreter: forPeers(interp),
	}
	n, err := devnet.Start(ctx, cfg)
	if err != nil {
		return err
	}
	defer n.Close()

	out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
	for _, p := range n.Nodes() {
		fmt.Fprintln(out, devnet.ConnectAddr(p))
	}
	for i, p := range n.Nodes() {
		fmt.Fprintf(errOut, "node%d %s (%s)\n", i, p.ID(), p.Interpreter())
		for _, a := range p.Addrs() {
			fmt.Fprintf(errOut, "  %s\n", a)
		}
	}
	fmt.Fprintf(errOut, "%d nodes up; Ctrl-C stops them\n", f.nodes)

	done := make(chan struct{})
	go func() {
		defer close(done)
		followEvents(ctx, events, log, newNodeMetrics())
	}()
	<-ctx.Done()
	<-done
	fmt.Fprintln(errOut, "stopping")
	return nil
}
