// Package registry holds the Marine services deployed on one peer, by id
// and by alias, and offers them to the peer's node as services its
// particles can call.
package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/config"
)

// Registry is the services of one peer. It is safe for concurrent use.
type Registry struct {
	rt   *marine.Runtime
	host peer.ID

	mu       sync.RWMutex
	services map[string]*deployed
	aliases  map[string]string // alias -> service id
}

type deployed struct {
	svc     *marine.Service
	owner   peer.ID
	source  string
	aliases []string
}

// Info describes one deployed service.
type Info struct {
	ID        string   `json:"id"`
	Source    string   `json:"source"`
	Owner     string   `json:"owner_id"`
	Aliases   []string `json:"aliases"`
	Functions []string `json:"functions"`
}

// New returns an empty registry for the peer host, loading services with
// rt.
func New(rt *marine.Runtime, host peer.ID) *Registry {
	return &Registry{rt: rt, host: host, services: map[string]*deployed{}, aliases: map[string]string{}}
}

// Deploy loads the module or service configuration at path (a .wasm
// module, or a Config.toml naming several) as service id.
func (r *Registry) Deploy(ctx context.Context, id, path string, owner peer.ID) error {
	if id == "" {
		return errors.New("registry: a service needs an id")
	}
	r.mu.RLock()
	_, taken := r.services[id]
	r.mu.RUnlock()
	if taken {
		return fmt.Errorf("registry: service %q already exists", id)
	}
	var (
		svc *marine.Service
		err error
	)
	opts := marine.ServiceOptions{ID: id}
	if strings.EqualFold(filepath.Ext(path), ".toml") {
		cfg, _, cerr := config.Load(path)
		if cerr != nil {
			return cerr
		}
		svc, err = r.rt.LoadService(ctx, cfg, opts)
	} else {
		svc, err = r.rt.LoadModule(ctx, path, opts)
	}
	if err != nil {
		return fmt.Errorf("registry: deploy %s as %q: %w", path, id, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, taken := r.services[id]; taken {
		_ = svc.Close(ctx)
		return fmt.Errorf("registry: service %q already exists", id)
	}
	r.services[id] = &deployed{svc: svc, owner: owner, source: path}
	return nil
}

// Alias makes alias another name for service id.
func (r *Registry) Alias(alias, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok := r.services[id]
	if !ok {
		return fmt.Errorf("registry: no service %q", id)
	}
	if old, ok := r.aliases[alias]; ok && old != id {
		od := r.services[old]
		od.aliases = slices.DeleteFunc(od.aliases, func(a string) bool { return a == alias })
	}
	r.aliases[alias] = id
	if !slices.Contains(d.aliases, alias) {
		d.aliases = append(d.aliases, alias)
	}
	return nil
}

// resolve finds a service by id or alias.
func (r *Registry) resolve(name string) (string, *deployed, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if d, ok := r.services[name]; ok {
		return name, d, true
	}
	if id, ok := r.aliases[name]; ok {
		return id, r.services[id], true
	}
	return "", nil, false
}

// List describes the deployed services, by id.
func (r *Registry) List() []Info {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Info, 0, len(r.services))
	for id, d := range r.services {
		info := Info{ID: id, Source: d.source, Owner: string(d.owner), Aliases: slices.Clone(d.aliases)}
		for _, f := range d.svc.Interface().Functions {
			info.Functions = append(info.Functions, f.Name)
		}
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b Info) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Lookup returns service.function as a node service, when service is a
// deployed service (by id or alias) that exports function.
func (r *Registry) Lookup(service, function string) (builtin.Func, bool) {
	id, d, ok := r.resolve(service)
	if !ok {
		return nil, false
	}
	if !slices.ContainsFunc(d.svc.Interface().Functions, func(f marine.Function) bool { return f.Name == function }) {
		return nil, false
	}
	return func(ctx context.Context, c *builtin.Call) (any, error) {
		args, err := json.Marshal(c.Args)
		if err != nil {
			return nil, err
		}
		out, err := d.svc.Call(ctx, function, args, r.params(id, d, c))
		if err != nil {
			return nil, err
		}
		return out, nil
	}, true
}

// params are the call parameters a module sees for c.
func (r *Registry) params(id string, d *deployed, c *builtin.Call) marine.CallParameters {
	p := marine.CallParameters{
		ParticleID: c.Particle.ID, InitPeerID: string(c.Particle.InitPeerID),
		Timestamp: c.Particle.Timestamp, TTL: c.Particle.TTL,
		ServiceID: id, ServiceCreatorPeerID: string(d.owner), HostID: string(r.host), WorkerID: string(r.host),
	}
	for _, ts := range c.Tetraplets {
		var arg []marine.SecurityTetraplet
		for _, t := range ts {
			arg = append(arg, marine.SecurityTetraplet{PeerPK: t.PeerPK, ServiceID: t.ServiceID, FunctionName: t.FunctionName, Lens: t.Lens})
		}
		p.Tetraplets = append(p.Tetraplets, arg)
	}
	return p
}

// Close closes every service.
func (r *Registry) Close(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var errs []error
	for _, d := range r.services {
		errs = append(errs, d.svc.Close(ctx))
	}
	r.services, r.aliases = map[string]*deployed{}, map[string]string{}
	return errors.Join(errs...)
}
