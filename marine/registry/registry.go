// Package registry holds the Marine services of one peer, by id and by
// alias, and offers them to the peer's node as services its particles can
// call.
//
// Services come two ways. Deploy loads a module or service config from a
// path, for services a developer names on the command line. The srv and
// dist builtins go through the registry's builtin.Deployer methods:
// modules are stored by content id, blueprints name modules (the facade
// last), and services are created from blueprints. A registry opened on a
// directory keeps those modules, blueprints, services and aliases there,
// and creates the services again when it is opened after a restart:
//
//	dir/modules/<hash>.wasm     the module's bytes
//	dir/modules/<hash>.json     its name
//	dir/blueprints/<id>.json    a blueprint
//	dir/services.json           the services made from blueprints, with their owners and aliases
//	dir/services/<id>/          each service's working directory
package registry

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
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
	log  *slog.Logger

	mu         sync.RWMutex
	dir        string // where modules, blueprints and services live; "" until needed when not persistent
	persistent bool   // whether dir outlives the registry
	services   map[string]*deployed
	aliases    map[string]string // alias -> service id
	modules    map[string]builtin.Module
	ifaces     map[string]builtin.Interface // module hash -> interface, filled on demand
	blueprints map[string]builtin.Blueprint
}

type deployed struct {
	svc       *marine.Service // nil when the service could not be started again
	broken    error           // why svc is nil
	owner     peer.ID
	source    string
	blueprint string // the blueprint it was created from; "" for Deploy
	aliases   []string
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
// rt. Modules added to it live in a temporary directory that Close
// removes.
func New(rt *marine.Runtime, host peer.ID) *Registry {
	return &Registry{
		rt: rt, host: host, log: slog.New(slog.DiscardHandler),
		services: map[string]*deployed{}, aliases: map[string]string{},
		modules: map[string]builtin.Module{}, ifaces: map[string]builtin.Interface{},
		blueprints: map[string]builtin.Blueprint{},
	}
}

// Open returns the registry kept in dir, creating dir if needed, and
// starts the services created there before. A service that cannot be
// started again stays listed, its calls failing with the reason, which is
// also logged, until it is removed.
func Open(ctx context.Context, rt *marine.Runtime, host peer.ID, dir string, log *slog.Logger) (*Registry, error) {
	r := New(rt, host)
	if log != nil {
		r.log = log
	}
	r.dir, r.persistent = dir, true
	for _, sub := range []string{"modules", "blueprints", "services"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, fmt.Errorf("registry: %w", err)
		}
	}
	if err := r.loadModules(); err != nil {
		return nil, err
	}
	if err := r.loadBlueprints(); err != nil {
		return nil, err
	}
	if err := r.loadServices(ctx); err != nil {
		_ = r.Close(ctx)
		return nil, err
	}
	return r, nil
}

// Deploy loads the module or service configuration at path (a .wasm
// module, or a Config.toml naming several) as service id. Deployed
// services are not kept across restarts: whoever deploys them does so on
// every start.
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
	return r.alias(alias, id)
}

func (r *Registry) alias(alias, id string) error {
	d, ok := r.services[id]
	if !ok {
		return fmt.Errorf("registry: no service %q", id)
	}
	if alias == "" {
		return errors.New("registry: an alias cannot be empty")
	}
	if _, ok := r.services[alias]; ok && alias != id {
		return fmt.Errorf("registry: %q is the id of another service", alias)
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
	return r.resolveLocked(name)
}

func (r *Registry) resolveLocked(name string) (string, *deployed, bool) {
	if d, ok := r.services[name]; ok {
		return name, d, true
	}
	if id, ok := r.aliases[name]; ok {
		return id, r.services[id], true
	}
	return "", nil, false
}

// List describes the services, by id.
func (r *Registry) List() []Info {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Info, 0, len(r.services))
	for id, d := range r.services {
		info := Info{ID: id, Source: d.source, Owner: string(d.owner), Aliases: slices.Clone(d.aliases)}
		if d.svc != nil {
			for _, f := range d.svc.Interface().Functions {
				info.Functions = append(info.Functions, f.Name)
			}
		}
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b Info) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// ServiceLoad is how busy one service is.
type ServiceLoad struct {
	ID string `json:"id"`
	marine.Load
}

// Load reports how busy each running service is, by id. It does not wait
// for calls in progress.
func (r *Registry) Load() []ServiceLoad {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]ServiceLoad, 0, len(r.services))
	for id, d := range r.services {
		if d.svc != nil {
			out = append(out, ServiceLoad{ID: id, Load: d.svc.Load()})
		}
	}
	slices.SortFunc(out, func(a, b ServiceLoad) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Lookup returns service.function as a node service, when service is a
// service (by id or alias) that exports function. A service that could
// not be started again answers every call with the reason.
func (r *Registry) Lookup(service, function string) (builtin.Func, bool) {
	id, d, ok := r.resolve(service)
	if !ok {
		return nil, false
	}
	if d.svc == nil {
		return func(context.Context, *builtin.Call) (any, error) {
			return nil, fmt.Errorf("service %s did not start: %w", id, d.broken)
		}, true
	}
	if _, ok := d.svc.Interface().Function(function); !ok {
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

// Close closes every service. A registry made by New also removes its
// temporary directory.
func (r *Registry) Close(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var errs []error
	for _, d := range r.services {
		if d.svc != nil {
			errs = append(errs, d.svc.Close(ctx))
		}
	}
	r.services, r.aliases = map[string]*deployed{}, map[string]string{}
	if !r.persistent && r.dir != "" {
		errs = append(errs, os.RemoveAll(r.dir))
		r.dir = ""
	}
	return errors.Join(errs...)
}

// newServiceID returns a random UUID, the form of the reference's
// service ids.
func newServiceID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[:4], b[4:6], b[6:8], b[8:10], b[10:])
}
