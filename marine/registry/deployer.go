package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/config"
)

var _ builtin.Deployer = (*Registry)(nil)

// moduleMeta is what dir/modules/<hash>.json holds.
type moduleMeta struct {
	Name string `json:"name"`
}

// serviceRecord is one entry of dir/services.json.
type serviceRecord struct {
	ID          string   `json:"id"`
	BlueprintID string   `json:"blueprint_id"`
	Owner       string   `json:"owner_id"`
	Aliases     []string `json:"aliases"`
}

// storeDir returns the directory modules and blueprints go to, making a
// temporary one for a registry that does not persist. Call with mu held.
func (r *Registry) storeDir() (string, error) {
	if r.dir != "" {
		return r.dir, nil
	}
	dir, err := os.MkdirTemp("", "aquarium-registry-")
	if err != nil {
		return "", fmt.Errorf("registry: %w", err)
	}
	for _, sub := range []string{"modules", "blueprints", "services"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return "", fmt.Errorf("registry: %w", err)
		}
	}
	r.dir = dir
	return dir, nil
}

// AddModule stores a Marine module under its content id.
func (r *Registry) AddModule(_ context.Context, wasm []byte, name string) (string, error) {
	info, err := marine.Inspect(wasm)
	if err != nil {
		return "", fmt.Errorf("module %s is not a Marine module: %w", name, err)
	}
	hash := builtin.ContentID(wasm)
	meta, err := json.Marshal(moduleMeta{Name: name})
	if err != nil {
		return "", err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	dir, err := r.storeDir()
	if err != nil {
		return "", err
	}
	if err := writeFile(filepath.Join(dir, "modules", hash+".wasm"), wasm); err != nil {
		return "", err
	}
	if err := writeFile(filepath.Join(dir, "modules", hash+".json"), meta); err != nil {
		return "", err
	}
	r.modules[hash] = builtin.Module{Name: name, Hash: hash, Config: builtin.ModuleConfig{LoggerEnabled: true}}
	r.ifaces[hash] = describe(info)
	return hash, nil
}

// Modules lists the stored modules by hash.
func (r *Registry) Modules(context.Context) ([]builtin.Module, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]builtin.Module, 0, len(r.modules))
	for _, m := range r.modules {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b builtin.Module) int { return strings.Compare(a.Hash, b.Hash) })
	return out, nil
}

// ModuleInterface describes the module with hash.
func (r *Registry) ModuleInterface(_ context.Context, hash string) (builtin.Interface, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.moduleInterface(hash)
}

func (r *Registry) moduleInterface(hash string) (builtin.Interface, error) {
	if iface, ok := r.ifaces[hash]; ok {
		return iface, nil
	}
	if _, ok := r.modules[hash]; !ok {
		return builtin.Interface{}, fmt.Errorf("no module %s on this peer", hash)
	}
	wasm, err := os.ReadFile(filepath.Join(r.dir, "modules", hash+".wasm"))
	if err != nil {
		return builtin.Interface{}, fmt.Errorf("module %s: %w", hash, err)
	}
	info, err := marine.Inspect(wasm)
	if err != nil {
		return builtin.Interface{}, fmt.Errorf("module %s: %w", hash, err)
	}
	r.ifaces[hash] = describe(info)
	return r.ifaces[hash], nil
}

// describe turns a module's interface into the builtins' form: records
// are numbered by their index in the interface-types section, as the
// reference numbers them, or in order when the section is not at hand.
func describe(info *marine.ModuleInfo) builtin.Interface {
	iface := info.Interface
	out := builtin.Interface{FunctionSignatures: []builtin.FunctionSignature{}, RecordTypes: []builtin.RecordType{}}
	for _, f := range iface.Functions {
		sig := builtin.FunctionSignature{Name: f.Name, Arguments: [][]string{}, OutputTypes: []string{}}
		for _, a := range f.Args {
			sig.Arguments = append(sig.Arguments, []string{a.Name, iface.TypeName(a.Type)})
		}
		for _, o := range f.Outputs {
			sig.OutputTypes = append(sig.OutputTypes, iface.TypeName(o))
		}
		out.FunctionSignatures = append(out.FunctionSignatures, sig)
	}
	for _, rec := range iface.Records {
		rt := builtin.RecordType{ID: uint64(len(out.RecordTypes)), Name: rec.Name, Fields: [][]string{}}
		if info.Section != nil {
			for i, td := range info.Section.Types {
				if td.Record == rec {
					rt.ID = uint64(i)
				}
			}
		}
		for _, f := range rec.Fields {
			rt.Fields = append(rt.Fields, []string{f.Name, iface.TypeName(f.Type)})
		}
		out.RecordTypes = append(out.RecordTypes, rt)
	}
	return out
}

// AddBlueprint stores bp. Its modules must be on this peer already.
func (r *Registry) AddBlueprint(_ context.Context, bp builtin.Blueprint) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, h := range bp.Dependencies {
		if _, ok := r.modules[h]; !ok {
			return fmt.Errorf("blueprint %q needs module %s, which is not on this peer: add it with dist.add_module first", bp.Name, h)
		}
	}
	b, err := json.Marshal(bp)
	if err != nil {
		return err
	}
	dir, err := r.storeDir()
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "blueprints", bp.ID+".json"), b); err != nil {
		return err
	}
	r.blueprints[bp.ID] = bp
	return nil
}

// Blueprints lists the stored blueprints by id.
func (r *Registry) Blueprints(context.Context) ([]builtin.Blueprint, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]builtin.Blueprint, 0, len(r.blueprints))
	for _, bp := range r.blueprints {
		out = append(out, bp)
	}
	slices.SortFunc(out, func(a, b builtin.Blueprint) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// Blueprint returns the blueprint with id.
func (r *Registry) Blueprint(_ context.Context, id string) (builtin.Blueprint, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	bp, ok := r.blueprints[id]
	if !ok {
		return builtin.Blueprint{}, fmt.Errorf("no blueprint %s on this peer", id)
	}
	return bp, nil
}

// CreateService starts a service from the blueprint with id.
func (r *Registry) CreateService(ctx context.Context, blueprintID string, owner peer.ID) (string, error) {
	id := newServiceID()
	r.mu.RLock()
	bp, ok := r.blueprints[blueprintID]
	dir := r.dir
	r.mu.RUnlock()
	if !ok {
		return "", fmt.Errorf("no blueprint %s on this peer", blueprintID)
	}
	svc, err := r.start(ctx, id, dir, bp)
	if err != nil {
		return "", err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.services[id] = &deployed{svc: svc, owner: owner, source: "blueprint " + bp.Name, blueprint: bp.ID}
	if err := r.saveServices(); err != nil {
		delete(r.services, id)
		_ = svc.Close(ctx)
		return "", err
	}
	return id, nil
}

// start loads the modules of bp as service id.
func (r *Registry) start(ctx context.Context, id, dir string, bp builtin.Blueprint) (*marine.Service, error) {
	cfg := &config.Config{Dir: dir}
	r.mu.RLock()
	for _, h := range bp.Dependencies {
		m, ok := r.modules[h]
		if !ok {
			r.mu.RUnlock()
			return nil, fmt.Errorf("blueprint %s needs module %s, which is not on this peer", bp.ID, h)
		}
		cfg.Modules = append(cfg.Modules, config.Module{
			Name: m.Name, FileName: h + ".wasm", LoadFrom: filepath.Join(dir, "modules", h+".wasm"),
			LoggerEnabled: true, LoggingMask: math.MaxInt32,
		})
	}
	r.mu.RUnlock()
	work := filepath.Join(dir, "services", id)
	if err := os.MkdirAll(work, 0o700); err != nil {
		return nil, fmt.Errorf("service %s: %w", id, err)
	}
	svc, err := r.rt.LoadService(ctx, cfg, marine.ServiceOptions{ID: id, WorkDir: work})
	if err != nil {
		return nil, fmt.Errorf("create service from blueprint %s (%s): %w", bp.Name, bp.ID, err)
	}
	return svc, nil
}

// RemoveService stops and forgets the service with id or alias.
func (r *Registry) RemoveService(ctx context.Context, name string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	id, d, ok := r.resolveLocked(name)
	if !ok {
		return fmt.Errorf("no service %q on this peer", name)
	}
	delete(r.services, id)
	for _, a := range d.aliases {
		delete(r.aliases, a)
	}
	var errs []error
	if d.svc != nil {
		errs = append(errs, d.svc.Close(ctx))
	}
	if d.blueprint != "" {
		errs = append(errs, os.RemoveAll(filepath.Join(r.dir, "services", id)), r.saveServices())
	}
	return errors.Join(errs...)
}

// Services lists the services by id.
func (r *Registry) Services(context.Context) ([]builtin.ServiceInfo, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]builtin.ServiceInfo, 0, len(r.services))
	for id, d := range r.services {
		out = append(out, r.info(id, d))
	}
	slices.SortFunc(out, func(a, b builtin.ServiceInfo) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func (r *Registry) info(id string, d *deployed) builtin.ServiceInfo {
	return builtin.ServiceInfo{ID: id, BlueprintID: d.blueprint, ServiceType: "service", OwnerID: string(d.owner),
		Aliases: append([]string{}, d.aliases...), WorkerID: string(r.host)}
}

// Service describes the service with id or alias.
func (r *Registry) Service(_ context.Context, name string) (builtin.ServiceInfo, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	id, d, ok := r.resolveLocked(name)
	if !ok {
		return builtin.ServiceInfo{}, fmt.Errorf("no service %q on this peer", name)
	}
	return r.info(id, d), nil
}

// AddAlias makes alias name the service with id, and keeps it.
func (r *Registry) AddAlias(_ context.Context, alias, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.alias(alias, id); err != nil {
		return err
	}
	return r.saveServices()
}

// ResolveAlias returns the id of the service alias names.
func (r *Registry) ResolveAlias(_ context.Context, alias string) (string, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	id, ok := r.aliases[alias]
	return id, ok
}

// ServiceInterface describes the facade of the service with id or alias.
func (r *Registry) ServiceInterface(_ context.Context, name string) (builtin.Interface, error) {
	_, d, ok := r.resolve(name)
	if !ok {
		return builtin.Interface{}, fmt.Errorf("no service %q on this peer", name)
	}
	if d.svc == nil {
		return builtin.Interface{}, fmt.Errorf("service %q did not start: %w", name, d.broken)
	}
	if d.blueprint != "" {
		r.mu.Lock()
		defer r.mu.Unlock()
		bp := r.blueprints[d.blueprint]
		return r.moduleInterface(bp.Dependencies[len(bp.Dependencies)-1])
	}
	return describe(&marine.ModuleInfo{Interface: d.svc.Interface()}), nil
}

// saveServices writes the services made from blueprints to services.json.
// Call with mu held.
func (r *Registry) saveServices() error {
	if !r.persistent {
		return nil
	}
	recs := []serviceRecord{}
	for id, d := range r.services {
		if d.blueprint == "" {
			continue
		}
		recs = append(recs, serviceRecord{ID: id, BlueprintID: d.blueprint, Owner: string(d.owner), Aliases: d.aliases})
	}
	slices.SortFunc(recs, func(a, b serviceRecord) int { return strings.Compare(a.ID, b.ID) })
	b, err := json.MarshalIndent(recs, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(r.dir, "services.json"), b)
}

func (r *Registry) loadModules() error {
	dir := filepath.Join(r.dir, "modules")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("registry: %w", err)
	}
	for _, e := range entries {
		hash, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok {
			continue
		}
		var meta moduleMeta
		if err := readJSON(filepath.Join(dir, e.Name()), &meta); err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(dir, hash+".wasm")); err != nil {
			r.log.Warn("module without its bytes, skipped", "hash", hash, "err", err)
			continue
		}
		r.modules[hash] = builtin.Module{Name: meta.Name, Hash: hash, Config: builtin.ModuleConfig{LoggerEnabled: true}}
	}
	return nil
}

func (r *Registry) loadBlueprints() error {
	dir := filepath.Join(r.dir, "blueprints")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("registry: %w", err)
	}
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".json" {
			continue
		}
		var bp builtin.Blueprint
		if err := readJSON(filepath.Join(dir, e.Name()), &bp); err != nil {
			return err
		}
		r.blueprints[bp.ID] = bp
	}
	return nil
}

// loadServices starts the services services.json lists, with their
// aliases.
func (r *Registry) loadServices(ctx context.Context) error {
	var recs []serviceRecord
	err := readJSON(filepath.Join(r.dir, "services.json"), &recs)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, rec := range recs {
		d := &deployed{owner: peer.ID(rec.Owner), blueprint: rec.BlueprintID, source: "blueprint " + rec.BlueprintID}
		bp, ok := r.blueprints[rec.BlueprintID]
		if !ok {
			d.broken = fmt.Errorf("its blueprint %s is gone", rec.BlueprintID)
		} else {
			d.source = "blueprint " + bp.Name
			d.svc, d.broken = r.start(ctx, rec.ID, r.dir, bp)
		}
		if d.broken != nil {
			r.log.Warn("service did not start", "service", rec.ID, "err", d.broken)
		}
		r.mu.Lock()
		r.services[rec.ID] = d
		for _, a := range rec.Aliases {
			_ = r.alias(a, rec.ID) // the service exists: aliasing it cannot fail
		}
		r.mu.Unlock()
	}
	return nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("registry: %s: %w", path, err)
	}
	return nil
}

// writeFile replaces path with b atomically, so that a crash leaves the
// old file or the new one, never half of one.
func writeFile(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("registry: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("registry: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("registry: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("registry: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("registry: %w", err)
	}
	return nil
}
