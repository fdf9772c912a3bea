package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/registry"
	"github.com/aquarium-p2p/aquarium/net/nodehost"
	"github.com/aquarium-p2p/aquarium/net/nodestore"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"
)

type nodeFlags struct {
	listen    []string
	bootstrap []string
	dataDir   string
	keyFile   string
	network   string
	httpAddr  string
	logLevel  string
	managers  []string
	inspect   []string
	events    int
	interp    interpreterFlags
	limits    limitFlags
}

func newNodeCmd() *cobra.Command {
	var f nodeFlags
	cmd := &cobra.Command{
		Use:   "node",
		Short: "Run a standalone node",
		Long: `Run a standalone node: a peer that speaks the reference node's particle
protocol on libp2p (TCP and WebSocket), finds other peers through Kademlia,
runs the builtin services, and relays particles for the clients connected
to it.

The node's key is read from --key, or from key in the data directory,
where it is created on first start (base64 of an Ed25519 seed, the form
the reference tools use). Particle data lives in the data directory too,
so a restarted node carries on with the particles in flight.

Marine services live in the data directory as well: modules added with
dist.add_module (stored by content id), blueprints from dist.add_blueprint,
and the services srv.create makes from them, with their aliases. They are
started again when the node restarts. Adding modules and blueprints and
creating, removing or aliasing services is open to the node itself and to
the peers named with --management, as on the reference node.

With --http, /health answers whether the node runs, and with 503 and
"saturated" when its call workers, its particle queue or a service's
queue are full; /metrics serves Prometheus metrics.

Limits keep one peer from taking the node down: a particle's frame is
refused beyond --max-particle-size, a timestamp further ahead than
--max-clock-skew, a call of a deployed service ends after --call-timeout
(and always with its particle's TTL), a service gets
--service-memory-limit unless its config sets total_memory_limit, and
calls beyond --service-queue waiting for one service fail at once.`,
		Example: `  aquarium node --listen /ip4/0.0.0.0/tcp/7777 --http :18080
  aquarium node --bootstrap /ip4/10.0.0.1/tcp/7777/p2p/12D3KooW... --data-dir /var/lib/aquarium`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runNode(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.listen, "listen", []string{"/ip4/0.0.0.0/tcp/7777", "/ip4/0.0.0.0/tcp/9999/ws"}, "multiaddr to listen on (repeatable)")
	fl.StringArrayVar(&f.bootstrap, "bootstrap", nil, "multiaddr of a peer to join the network through (repeatable)")
	fl.StringVar(&f.dataDir, "data-dir", defaultDataDir(), "directory for the key and the node's state")
	fl.StringVar(&f.keyFile, "key", "", "file holding the node's key (default: key in the data directory)")
	fl.StringVar(&f.network, "network", "dar", "Kademlia network name: nodes of other networks are not discovered")
	fl.StringVar(&f.httpAddr, "http", "", "address for /health and /metrics, such as :18080")
	fl.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error")
	fl.StringArrayVar(&f.managers, "management", nil, "peer id that may deploy and remove services on this node (repeatable)")
	fl.StringArrayVar(&f.inspect, "allow-inspect", nil, "peer id that may attach to this node and inspect it (repeatable; none without it)")
	fl.IntVar(&f.events, "trace-events", 100_000, "trace events the node keeps for attached workbenches, the newest; memory grows with them up to this bound")
	f.interp.register(fl)
	f.limits.register(fl)
	return cmd
}

func defaultDataDir() string {
	if dir, err := os.UserConfigDir(); err == nil {
		return filepath.Join(dir, "aquarium", "node")
	}
	return ".aquarium-node"
}

func runNode(cmd *cobra.Command, f nodeFlags) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level}))
	if err := os.MkdirAll(f.dataDir, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	keyFile := f.keyFile
	if keyFile == "" {
		keyFile = filepath.Join(f.dataDir, "key")
	}
	key, created, err := loadOrCreateKey(keyFile, f.keyFile == "")
	if err != nil {
		return err
	}
	if created {
		log.Info("created a new key", "file", keyFile)
	}
	maxParticle, serviceMemory, err := f.limits.sizes()
	if err != nil {
		return err
	}
	runLimits, err := f.limits.interpretation()
	if err != nil {
		return err
	}
	managers := map[peer.ID]bool{}
	for _, m := range f.managers {
		id, err := peer.ParseID(m)
		if err != nil {
			return fmt.Errorf("--management %s: %w", m, err)
		}
		managers[id] = true
	}
	store, err := nodestore.Open(filepath.Join(f.dataDir, "particles.db"), log)
	if errors.Is(err, nodestore.ErrInUse) {
		return fmt.Errorf("data directory %s is in use: another node holds it (stop that node or choose another --data-dir)", f.dataDir)
	}
	if err != nil {
		return err
	}
	if err := checkPortsFree(f.listen); err != nil {
		return err
	}
	defer store.Close()

	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rt, err := marine.New(ctx, marine.Options{CacheDir: filepath.Join(f.dataDir, "marine-cache"), Logger: log,
		MemoryLimit: serviceMemory, MaxQueue: f.limits.serviceQueue})
	if err != nil {
		return err
	}
	defer rt.Close(context.WithoutCancel(ctx))
	interp, err := f.interp.load(ctx, rt)
	if err != nil {
		return err
	}
	reg, err := registry.Open(ctx, rt, peer.IDOf(key), filepath.Join(f.dataDir, "services"), log)
	if err != nil {
		return err
	}
	defer reg.Close(context.WithoutCancel(ctx))
	events := trace.NewLog(f.events)
	metrics := newNodeMetrics()
	go followEvents(ctx, events, log, metrics)

	p, err := nodehost.Start(nodehost.Config{
		Key: key, ListenAddrs: f.listen, Network: f.network, Store: store,
		Events: events, Logger: log, Version: buildVersion(),
		Services: reg, Deployer: reg, Managers: func(id peer.ID) bool { return managers[id] },
		Interpreter: interp, MaxParticleSize: maxParticle,
		CallTimeout: f.limits.callTimeout, MaxClockSkew: f.limits.clockSkew, Limits: runLimits,
	})
	if err != nil {
		return err
	}
	defer p.Stop()
	metrics.registry.MustRegister(newLoadCollector(p, reg))
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "peer id %s\n", p.ID())
	fmt.Fprintf(out, "interpreter %s\n", p.Interpreter())
	for _, a := range p.Addrs() {
		fmt.Fprintf(out, "listening on %s\n", a)
	}
	if len(f.inspect) > 0 {
		if err := serveInspection(p, reg, events, f.inspect, log); err != nil {
			return err
		}
	}
	if len(f.bootstrap) > 0 {
		if err := p.Bootstrap(ctx, f.bootstrap); err != nil {
			log.Warn("bootstrap", "err", err)
		}
	}
	if f.httpAddr != "" {
		srv, addr, err := serveHTTP(f.httpAddr, p, reg, metrics)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "http on %s\n", addr)
		defer srv.Close()
	}
	<-ctx.Done()
	log.Info("stopping")
	return nil
}

// loadOrCreateKey reads a base64 Ed25519 seed, creating the file when it
// is missing and create is set.
func loadOrCreateKey(path string, create bool) (peer.PrivateKey, bool, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		key, err := peer.GenerateEd25519(rand.Reader)
		if err != nil {
			return nil, false, err
		}
		enc := base64.StdEncoding.EncodeToString(key.Raw()) + "\n"
		if err := os.WriteFile(path, []byte(enc), 0o600); err != nil {
			return nil, false, fmt.Errorf("write key: %w", err)
		}
		return key, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read key: %w", err)
	}
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, false, fmt.Errorf("key %s: not base64: %w", path, err)
	}
	key, err := peer.Ed25519FromSeed(seed)
	if err != nil {
		return nil, false, fmt.Errorf("key %s: %w", path, err)
	}
	return key, false, nil
}

// nodeMetrics are derived from the node's trace events.
type nodeMetrics struct {
	registry     *prometheus.Registry
	events       *prometheus.CounterVec
	dropped      *prometheus.CounterVec
	interpreting prometheus.Histogram
}

func newNodeMetrics() *nodeMetrics {
	m := &nodeMetrics{
		registry: prometheus.NewRegistry(),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aquarium_particle_events_total", Help: "Particle events by kind.",
		}, []string{"kind"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aquarium_particles_dropped_total", Help: "Particles dropped, by reason.",
		}, []string{"reason"}),
		interpreting: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "aquarium_interpretation_seconds", Help: "Time spent interpreting AIR.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 14),
		}),
	}
	m.registry.MustRegister(m.events, m.dropped, m.interpreting,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// followEvents logs drops and expiries, and counts every event, until ctx
// ends.
func followEvents(ctx context.Context, events *trace.Log, log *slog.Logger, m *nodeMetrics) {
	sub := events.Subscribe()
	defer sub.Close()
	next := uint64(1)
	var evs []trace.Event // reused: every event of the node passes through
	for {
		select {
		case <-ctx.Done():
			return
		case <-sub.C():
		}
		for {
			var missed uint64
			evs, missed = events.AppendSince(evs[:0], next, 1024)
			if missed > 0 {
				log.Warn("trace events lost", "count", missed)
			}
			if len(evs) == 0 {
				break
			}
			for _, e := range evs {
				next = e.Seq + 1
				m.events.WithLabelValues(e.Kind.String()).Inc()
				switch e.Kind {
				case trace.Dropped:
					m.dropped.WithLabelValues(e.Reason.String()).Inc()
					log.Warn("particle dropped", "particle", e.Particle, "reason", e.Reason.String(), "to", e.To, "from", e.From, "err", e.Err)
				case trace.Expired:
					log.Info("particle expired", "particle", e.Particle)
				case trace.Interpreted:
					m.interpreting.Observe(e.Duration.Seconds())
					if e.Err != "" {
						log.Debug("script error", "particle", e.Particle, "code", e.RetCode, "err", e.Err)
					}
				}
			}
		}
	}
}

func serveHTTP(addr string, p *nodehost.Peer, reg *registry.Registry, m *nodeMetrics) (*http.Server, string, error) {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		// A saturated node runs, but new work waits or is refused: the
		// answer says so, and with 503 a load balancer sends work
		// elsewhere.
		load, status := loadOf(p, reg), "ok"
		if len(load.Saturated) > 0 {
			status = "saturated"
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"status": status, "peer_id": p.ID(), "connected_peers": len(p.Peers()),
			"routing_table": p.RoutingTableSize(), "load": load,
		})
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("--http: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return srv, ln.Addr().String(), nil
}
