package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/net/p2p"
	"github.com/aquarium-p2p/aquarium/net/wire"
	lpeer "github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
)

// Tolerances of the soak. The first window is taken once traffic runs,
// so the node has made its pools, connections and caches; what still
// grows after that grows with time, which is a leak.
//
// Goroutines: +10% and +20 absolute. Each stream in flight holds a few
// goroutines, and how many are in flight at one sample is chance; twenty
// covers that noise, while a leak of one goroutine per particle would
// add thousands in a minute.
//
// RSS: +25% or +32 MiB, whichever is more. Go's heap grows to twice its
// live size before a collection (GOGC=100) and returns memory to the
// system lazily, so RSS wanders by tens of MiB on a node of ~60 MiB
// without anything leaking; a leak of a retained particle per request
// (some KiB each, thousands of requests) goes past it.
const (
	goroutineGrowth = 0.10
	goroutineSlack  = 20
	rssGrowth       = 0.25
	rssSlack        = 32 << 20
	goodClients     = 4
	goodPace        = 20 * time.Millisecond  // between one good client's round trips
	hostilePace     = 5 * time.Millisecond   // between hostile inputs
	sampleEvery     = 500 * time.Millisecond // metrics samples
)

// soakCounts are what the soak sent and what came back.
type soakCounts struct {
	identity, calls, failed atomic.Int64
	hostile                 [5]atomic.Int64 // by hostileKinds
	firstErr                atomic.Pointer[error]
}

var hostileKinds = [...]string{"garbage frame", "lying frame length", "future timestamp", "bad signature", "oversized particle"}

func (c *soakCounts) fail(err error) {
	c.failed.Add(1)
	c.firstErr.CompareAndSwap(nil, &err)
}

// sample is one reading of the node's /metrics.
type sample struct {
	goroutines, rss, cpu float64
}

// soak runs good and hostile traffic against the node at addr for d,
// samples its metrics at httpAddr, prints the figures and fails if a
// good request failed, the node stopped answering, or its goroutines or
// RSS grew past the tolerances.
func soak(ctx context.Context, addr, httpAddr, service string, d time.Duration) error {
	window := min(10*time.Second, d/3)
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var counts soakCounts
	var wg sync.WaitGroup
	for i := range goodClients {
		wg.Go(func() { goodTraffic(ctx, addr, service, i == 0, &counts) })
	}
	wg.Go(func() { hostileTraffic(ctx, addr, &counts) })

	var first, last []sample
	start := time.Now()
	tick := time.NewTicker(sampleEvery)
	defer tick.Stop()
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-tick.C:
			s, err := readMetrics(httpAddr)
			if err != nil {
				counts.fail(fmt.Errorf("/metrics: %w", err))
				continue
			}
			switch el := time.Since(start); {
			case el <= window:
				first = append(first, s)
			case el >= d-window:
				last = append(last, s)
			}
		}
	}
	wg.Wait()
	if len(first) == 0 || len(last) == 0 {
		return errors.New("too few metrics samples; is the soak shorter than 3 s?")
	}
	a, b := median(first), median(last)
	secs := d.Seconds()
	fmt.Printf("good traffic     %6.1f particles/s held (%d op.identity round trips, %d service calls, %d failed)\n",
		float64(counts.identity.Load()+counts.calls.Load())/secs, counts.identity.Load(), counts.calls.Load(), counts.failed.Load())
	var hostile int64
	var kinds []string
	for i, k := range hostileKinds {
		n := counts.hostile[i].Load()
		hostile += n
		kinds = append(kinds, fmt.Sprintf("%d %ss", n, k))
	}
	fmt.Printf("hostile traffic  %6.1f particles/s refused (%s)\n", float64(hostile)/secs, strings.Join(kinds, ", "))
	fmt.Printf("goroutines       %6.0f in the first %s, %6.0f in the last (median of each)\n", a.goroutines, window, b.goroutines)
	fmt.Printf("RSS              %6.1f MiB in the first %s, %6.1f MiB in the last\n", a.rss/(1<<20), window, b.rss/(1<<20))
	fmt.Printf("CPU              %6.1f s over %s (from the node's process_cpu_seconds_total)\n", last[len(last)-1].cpu-first[0].cpu, d)

	var errs []error
	if n := counts.failed.Load(); n > 0 {
		errs = append(errs, fmt.Errorf("%d good requests failed, the first: %w", n, *counts.firstErr.Load()))
	}
	if lim := a.goroutines*(1+goroutineGrowth) + goroutineSlack; b.goroutines > lim {
		errs = append(errs, fmt.Errorf("goroutines grew from %.0f to %.0f, past %.0f (+%.0f%% +%d)", a.goroutines, b.goroutines, lim, goroutineGrowth*100, goroutineSlack))
	}
	if lim := a.rss + max(a.rss*rssGrowth, rssSlack); b.rss > lim {
		errs = append(errs, fmt.Errorf("RSS grew from %.1f MiB to %.1f MiB, past %.1f MiB (+%.0f%% or +%d MiB)", a.rss/(1<<20), b.rss/(1<<20), lim/(1<<20), rssGrowth*100, rssSlack>>20))
	}
	if counts.identity.Load() == 0 || counts.calls.Load() == 0 {
		errs = append(errs, errors.New("no good request came back"))
	}
	if err := checkDrops(httpAddr, &counts); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// checkDrops checks that the node counted a drop, with its reason, for
// every hostile input: refused, not run. The counts follow the node's
// events a moment late, so it asks again for up to 5 s.
func checkDrops(httpAddr string, c *soakCounts) error {
	want := map[string]int64{
		"malformed particle":      c.hostile[0].Load() + c.hostile[1].Load() + c.hostile[4].Load(),
		"timestamp in the future": c.hostile[2].Load(),
		"bad signature":           c.hostile[3].Load(),
	}
	var short []string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		got, err := readDrops(httpAddr)
		if err != nil {
			return err
		}
		short = short[:0]
		for reason, n := range want {
			if got[reason] < n {
				short = append(short, fmt.Sprintf("%d of %d %q", got[reason], n, reason))
			}
		}
		if len(short) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the node counted fewer drops than hostile inputs sent: %s", strings.Join(short, ", "))
		}
	}
}

// readDrops reads aquarium_particles_dropped_total by reason.
func readDrops(httpAddr string) (map[string]int64, error) {
	resp, err := http.Get("http://" + httpAddr + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	const prefix = `aquarium_particles_dropped_total{reason="`
	drops := map[string]int64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), prefix)
		if !ok {
			continue
		}
		reason, value, ok := strings.Cut(rest, `"} `)
		if !ok {
			continue
		}
		n, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return nil, fmt.Errorf("%s%s: %w", prefix, reason, err)
		}
		drops[reason] = int64(n)
	}
	return drops, sc.Err()
}

// goodTraffic runs op.identity round trips, and with calls a service
// call after each, from a client of its own until ctx ends. Every
// request must come back.
func goodTraffic(ctx context.Context, addr, service string, calls bool, c *soakCounts) {
	key, err := peer.GenerateEd25519(rand.Reader)
	if err != nil {
		c.fail(err)
		return
	}
	h, node, got, err := client(context.WithoutCancel(ctx), addr, key)
	if err != nil {
		c.fail(err)
		return
	}
	defer h.Close()
	for ctx.Err() == nil {
		if _, err := trip(context.WithoutCancel(ctx), h, node, key, got); err != nil {
			c.fail(fmt.Errorf("op.identity: %w", err))
		} else {
			c.identity.Add(1)
		}
		if calls {
			if err := serviceCall(context.WithoutCancel(ctx), h, node, key, service, got); err != nil {
				c.fail(fmt.Errorf("%s.answer: %w", service, err))
			} else {
				c.calls.Add(1)
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(goodPace):
		}
	}
}

// serviceCall calls answer() on the Wasm service and waits for the
// particle to come back with its result: a call that fails leaves the
// particle on the node, and the wait times out.
func serviceCall(ctx context.Context, h *p2p.Host, node peer.ID, key peer.PrivateKey, service string, got <-chan *particle.Particle) error {
	script := fmt.Sprintf(`(seq (call %q (%q "answer") [] r) (call %%init_peer_id%% ("op" "noop") [r]))`, node, service)
	var id [8]byte
	_, _ = rand.Read(id[:])
	p := particle.New(fmt.Sprintf("soak-%x", id), peer.IDOf(key), script, time.Now(), 10*time.Second)
	if err := p.Sign(key); err != nil {
		return err
	}
	if err := h.Send(ctx, node, p); err != nil {
		return err
	}
	wait := time.NewTimer(5 * time.Second)
	defer wait.Stop()
	for {
		select {
		case back := <-got:
			if back.ID == p.ID {
				return nil
			}
		case <-wait.C:
			return errors.New("no answer in 5 s")
		}
	}
}

// hostileTraffic sends the node, in turn, each kind of hostile input,
// from one client, until ctx ends.
func hostileTraffic(ctx context.Context, addr string, c *soakCounts) {
	key, err := peer.GenerateEd25519(rand.Reader)
	if err != nil {
		c.fail(err)
		return
	}
	h, node, _, err := client(context.WithoutCancel(ctx), addr, key)
	if err != nil {
		c.fail(err)
		return
	}
	defer h.Close()
	pid, err := lpeer.Decode(string(node))
	if err != nil {
		c.fail(err)
		return
	}
	// The oversized particle is refused for its announced length before
	// anything else is looked at, so one copy serves every send.
	oversized, err := hostileFrame(len(hostileKinds)-1, key, node)
	if err != nil {
		c.fail(err)
		return
	}
	for i := 0; ctx.Err() == nil; i++ {
		kind := i % len(hostileKinds)
		frame := oversized
		if kind != len(hostileKinds)-1 {
			if frame, err = hostileFrame(kind, key, node); err != nil {
				c.fail(err)
				return
			}
		}
		// A refused input is the node's to refuse: only a stream that
		// cannot be opened at all says the node is in trouble, and the
		// good traffic hears of that.
		sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		if s, err := h.Libp2p().NewStream(sctx, pid, protocol.ID(wire.ProtocolID)); err == nil {
			_ = s.SetDeadline(time.Now().Add(2 * time.Second))
			// The node may reset the stream before all is written: it
			// refuses an oversized frame on its length.
			_, _ = s.Write(frame)
			c.hostile[kind].Add(1)
			_ = s.Close()
		}
		cancel()
		select {
		case <-ctx.Done():
		case <-time.After(hostilePace):
		}
	}
}

// hostileFrame builds one input of the kind: a frame of random bytes, a
// frame whose length promises 100 MiB and delivers 12 bytes, a particle
// from a year ahead, one whose signature is not its own, and one larger
// than the node accepts (soak.sh starts the node with a 4 MiB limit, room
// for the deployment of its service).
func hostileFrame(kind int, key peer.PrivateKey, node peer.ID) ([]byte, error) {
	switch kind {
	case 0:
		body := make([]byte, 256)
		_, _ = rand.Read(body)
		return append(binary.AppendUvarint(nil, uint64(len(body))), body...), nil
	case 1:
		frame := binary.AppendUvarint(nil, wire.MaxFrameSize)
		return append(frame, make([]byte, 12)...), nil
	}
	at := time.Now()
	if kind == 2 {
		at = at.AddDate(1, 0, 0)
	}
	p, err := roundTrip(key, node, at)
	if err != nil {
		return nil, err
	}
	switch kind {
	case 3:
		p.Signature[0] ^= 0xff
	case 4:
		p.Data = make([]byte, 4<<20)
	}
	var buf strings.Builder
	if err := wire.WriteFrame(&buf, p); err != nil {
		return nil, err
	}
	return []byte(buf.String()), nil
}

// readMetrics reads the gauges the soak follows from the node's
// /metrics: Go's and the process collector's.
func readMetrics(httpAddr string) (sample, error) {
	resp, err := http.Get("http://" + httpAddr + "/metrics")
	if err != nil {
		return sample{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return sample{}, fmt.Errorf("status %s", resp.Status)
	}
	var s sample
	found := 0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		var dst *float64
		switch name {
		case "go_goroutines":
			dst = &s.goroutines
		case "process_resident_memory_bytes":
			dst = &s.rss
		case "process_cpu_seconds_total":
			dst = &s.cpu
		default:
			continue
		}
		if *dst, err = strconv.ParseFloat(value, 64); err != nil {
			return sample{}, fmt.Errorf("%s: %w", name, err)
		}
		found++
	}
	if err := sc.Err(); err != nil {
		return sample{}, err
	}
	if found != 3 {
		return sample{}, errors.New("go_goroutines, process_resident_memory_bytes or process_cpu_seconds_total missing")
	}
	return s, nil
}

// median is the sample of the median goroutine count and, separately,
// the median RSS of ss.
func median(ss []sample) sample {
	g := make([]float64, len(ss))
	r := make([]float64, len(ss))
	for i, s := range ss {
		g[i], r[i] = s.goroutines, s.rss
	}
	slices.Sort(g)
	slices.Sort(r)
	return sample{goroutines: g[len(g)/2], rss: r[len(r)/2]}
}
