package main

import (
	"fmt"
	"math"
	"time"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/config"
	"github.com/aquarium-p2p/aquarium/marine/registry"
	"github.com/aquarium-p2p/aquarium/net/nodehost"
	"github.com/aquarium-p2p/aquarium/net/wire"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/pflag"
)

// limitFlags are what a node allows the particles and services it runs.
type limitFlags struct {
	maxParticle   string
	callTimeout   time.Duration
	clockSkew     time.Duration
	serviceMemory string
	serviceQueue  int
	// steps, valueSize and dataSize bound each interpretation.
	steps               int64
	valueSize, dataSize string
}

func (l *limitFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&l.maxParticle, "max-particle-size", "100MiB", "largest particle frame accepted from a peer")
	fl.DurationVar(&l.callTimeout, "call-timeout", nodehost.DefaultCallTimeout, "longest a call of a deployed service may run (a call also ends with its particle's TTL)")
	fl.DurationVar(&l.clockSkew, "max-clock-skew", nodehost.DefaultMaxClockSkew, "how far ahead of this node's clock a particle's timestamp may be (negative: no check)")
	fl.StringVar(&l.serviceMemory, "service-memory-limit", "256MiB", "memory of a service whose config sets no total_memory_limit")
	fl.IntVar(&l.serviceQueue, "service-queue", marine.DefaultMaxQueue, "calls that may wait for a busy service; more fail at once")
	fl.Int64Var(&l.steps, "max-steps", avm.DefaultSteps, "instructions (and 64-byte pieces of values handled) one interpretation may take")
	fl.StringVar(&l.valueSize, "max-value-size", "4MiB", "largest value one interpretation takes in or makes")
	fl.StringVar(&l.dataSize, "max-data-size", "16MiB", "largest particle data one interpretation accepts or writes")
}

// interpretation returns the bounds of each interpretation the flags give.
func (l *limitFlags) interpretation() (avm.Limits, error) {
	if l.steps <= 0 {
		return avm.Limits{}, fmt.Errorf("--max-steps: %d is not positive", l.steps)
	}
	v, err := config.ParseByteSize(l.valueSize)
	if err != nil || v == 0 || v > math.MaxInt32 {
		return avm.Limits{}, fmt.Errorf("--max-value-size: %q is not a size between 1 byte and 2 GiB", l.valueSize)
	}
	d, err := config.ParseByteSize(l.dataSize)
	if err != nil || d == 0 || d > math.MaxInt32 {
		return avm.Limits{}, fmt.Errorf("--max-data-size: %q is not a size between 1 byte and 2 GiB", l.dataSize)
	}
	return avm.Limits{Steps: l.steps, ValueSize: int(v), DataSize: int(d)}, nil
}

// sizes parses the flags given as sizes.
func (l *limitFlags) sizes() (maxParticle int, serviceMemory uint64, err error) {
	p, err := config.ParseByteSize(l.maxParticle)
	if err != nil {
		return 0, 0, fmt.Errorf("--max-particle-size: %w", err)
	}
	if p == 0 || p > wire.MaxFrameSize {
		return 0, 0, fmt.Errorf("--max-particle-size: %s is not between 1 byte and the protocol's %d", l.maxParticle, wire.MaxFrameSize)
	}
	m, err := config.ParseByteSize(l.serviceMemory)
	if err != nil {
		return 0, 0, fmt.Errorf("--service-memory-limit: %w", err)
	}
	if m == 0 {
		return 0, 0, fmt.Errorf("--service-memory-limit: must be positive")
	}
	return int(p), m, nil
}

// nodeLoad is how busy a node is, as /health reports it.
type nodeLoad struct {
	Node      nodehost.Load          `json:"node"`
	Saturated []string               `json:"saturated,omitempty"`
	Services  []registry.ServiceLoad `json:"services,omitempty"`
}

// loadOf reads how busy the node and its services are.
func loadOf(nd *nodehost.Peer, reg *registry.Registry) nodeLoad {
	l := nodeLoad{Node: nd.Load(), Services: reg.Load()}
	n := l.Node
	if n.Calls >= n.CallWorkers {
		l.Saturated = append(l.Saturated, fmt.Sprintf("all %d builtin call workers are busy", n.CallWorkers))
	}
	if n.ServiceCalls >= n.ServiceWorkers {
		l.Saturated = append(l.Saturated, fmt.Sprintf("all %d service call workers are busy", n.ServiceWorkers))
	}
	if n.Queued >= n.QueueSize {
		l.Saturated = append(l.Saturated, fmt.Sprintf("the queue of %d particles is full", n.QueueSize))
	}
	for _, s := range l.Services {
		if s.Saturated() {
			l.Saturated = append(l.Saturated, fmt.Sprintf("service %s has %d calls waiting, as many as it queues", s.ID, s.Pending-1))
		}
	}
	return l
}

// loadCollector reports the node's load to Prometheus as it is scraped.
type loadCollector struct {
	nd  *nodehost.Peer
	reg *registry.Registry

	workers, queue, saturated, pending, rejected *prometheus.Desc
}

func newLoadCollector(nd *nodehost.Peer, reg *registry.Registry) *loadCollector {
	return &loadCollector{
		nd: nd, reg: reg,
		workers:   prometheus.NewDesc("aquarium_call_workers_busy", "Call workers running calls, by pool (builtin or service).", []string{"pool"}, nil),
		queue:     prometheus.NewDesc("aquarium_particle_queue_length", "Particles that arrived and wait for a worker.", nil, nil),
		saturated: prometheus.NewDesc("aquarium_saturated", "1 when a worker pool, the particle queue or a service's queue is full.", nil, nil),
		pending:   prometheus.NewDesc("aquarium_service_calls_pending", "Calls running or waiting, by service.", []string{"service"}, nil),
		rejected:  prometheus.NewDesc("aquarium_service_calls_rejected_total", "Calls refused because the service's queue was full.", []string{"service"}, nil),
	}
}

func (c *loadCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.workers, c.queue, c.saturated, c.pending, c.rejected} {
		ch <- d
	}
}

func (c *loadCollector) Collect(ch chan<- prometheus.Metric) {
	l := loadOf(c.nd, c.reg)
	ch <- prometheus.MustNewConstMetric(c.workers, prometheus.GaugeValue, float64(l.Node.Calls), "builtin")
	ch <- prometheus.MustNewConstMetric(c.workers, prometheus.GaugeValue, float64(l.Node.ServiceCalls), "service")
	ch <- prometheus.MustNewConstMetric(c.queue, prometheus.GaugeValue, float64(l.Node.Queued))
	saturated := 0.0
	if len(l.Saturated) > 0 {
		saturated = 1
	}
	ch <- prometheus.MustNewConstMetric(c.saturated, prometheus.GaugeValue, saturated)
	for _, s := range l.Services {
		ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(s.Pending), s.ID)
		ch <- prometheus.MustNewConstMetric(c.rejected, prometheus.CounterValue, float64(s.Rejected), s.ID)
	}
}
