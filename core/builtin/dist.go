package builtin

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aquarium-p2p/aquarium/core/peer"
)

// Deployer manages a peer's Marine services for the srv and dist
// builtins: modules stored by content id, blueprints naming the modules
// of a service (facade last), and services created from blueprints. The
// Marine runtime implements it outside core; core only states what the
// builtins need. Every method is safe for concurrent use.
type Deployer interface {
	// AddModule stores a module under its content id (ContentID) and
	// returns that id. Adding the same bytes twice is not an error.
	AddModule(ctx context.Context, wasm []byte, name string) (string, error)
	// Modules lists the stored modules.
	Modules(ctx context.Context) ([]Module, error)
	// ModuleInterface describes the functions of the module with hash.
	ModuleInterface(ctx context.Context, hash string) (Interface, error)
	// AddBlueprint stores bp, whose ID the caller has computed.
	AddBlueprint(ctx context.Context, bp Blueprint) error
	// Blueprints lists the stored blueprints.
	Blueprints(ctx context.Context) ([]Blueprint, error)
	// Blueprint returns the blueprint with id.
	Blueprint(ctx context.Context, id string) (Blueprint, error)
	// CreateService starts a service from a blueprint and returns its
	// new id; owner is the peer that asked.
	CreateService(ctx context.Context, blueprintID string, owner peer.ID) (string, error)
	// RemoveService stops and forgets the service with id or alias.
	RemoveService(ctx context.Context, idOrAlias string) error
	// Services lists the services.
	Services(ctx context.Context) ([]ServiceInfo, error)
	// Service describes the service with id or alias.
	Service(ctx context.Context, idOrAlias string) (ServiceInfo, error)
	// AddAlias makes alias name the service with id, moving it from any
	// service it named before.
	AddAlias(ctx context.Context, alias, id string) error
	// ResolveAlias returns the id of the service alias names.
	ResolveAlias(ctx context.Context, alias string) (string, bool)
	// ServiceInterface describes the facade of the service with id or
	// alias.
	ServiceInterface(ctx context.Context, idOrAlias string) (Interface, error)
}

// Module is a stored module, as dist.list_modules shows it.
type Module struct {
	Name   string       `json:"name"`
	Hash   string       `json:"hash"`
	Config ModuleConfig `json:"config"`
}

// ModuleConfig is the part of a module's configuration the peer keeps.
// As on the reference node, only the module's name comes from the
// config given to dist.add_module; the rest is the peer's choice.
type ModuleConfig struct {
	LoggerEnabled bool `json:"logger_enabled"`
}

// Blueprint names the modules of a service, by content id, in load
// order: the last is the facade.
type Blueprint struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Dependencies []string `json:"dependencies"`
}

// Interface describes a module's or service's functions and records, in
// the shape aqua-lib's Interface declares.
type Interface struct {
	FunctionSignatures []FunctionSignature `json:"function_signatures"`
	RecordTypes        []RecordType        `json:"record_types"`
}

// FunctionSignature is one function: its arguments as [name, type] pairs.
type FunctionSignature struct {
	Arguments   [][]string `json:"arguments"`
	Name        string     `json:"name"`
	OutputTypes []string   `json:"output_types"`
}

// RecordType is one record: its fields as [name, type] pairs.
type RecordType struct {
	Fields [][]string `json:"fields"`
	ID     uint64     `json:"id"`
	Name   string     `json:"name"`
}

// ServiceInfo is a service, as srv.list and srv.info show it.
type ServiceInfo struct {
	ID          string   `json:"id"`
	BlueprintID string   `json:"blueprint_id"`
	ServiceType string   `json:"service_type"`
	OwnerID     string   `json:"owner_id"`
	Aliases     []string `json:"aliases"`
	WorkerID    string   `json:"worker_id"`
}

// errNoDeployer is the answer of srv and dist on a peer without Marine.
var errNoDeployer = errors.New("this peer runs no Marine services")

// restricted wraps f so that only the host and its managers may call it:
// these functions change what the peer runs.
func restricted(env Env, f Func) Func {
	return func(ctx context.Context, c *Call) (any, error) {
		if !env.mayManage(c.Particle.InitPeerID) {
			return nil, fmt.Errorf("%s.%s is only available to the host or its management peers, and %s is neither",
				c.Service, c.Function, c.Particle.InitPeerID)
		}
		return f(ctx, c)
	}
}

func (e Env) mayManage(id peer.ID) bool {
	return id == e.Host || (e.Managers != nil && e.Managers(id))
}

// withDeployer fails f's calls when the peer has no deployer.
func withDeployer(env Env, f func(ctx context.Context, c *Call, d Deployer) (any, error)) Func {
	return func(ctx context.Context, c *Call) (any, error) {
		if env.Deployer == nil {
			return nil, errNoDeployer
		}
		return f(ctx, c, env.Deployer)
	}
}

func distService(env Env) Service {
	return Service{
		"add_module":            restricted(env, withDeployer(env, distAddModule)),
		"add_blueprint":         restricted(env, withDeployer(env, distAddBlueprint)),
		"make_blueprint":        distMakeBlueprint,
		"default_module_config": distDefaultModuleConfig,
		"make_module_config":    distMakeModuleConfig,
		"list_modules": withDeployer(env, func(ctx context.Context, c *Call, d Deployer) (any, error) {
			if err := arity(c, 0, 0); err != nil {
				return nil, err
			}
			ms, err := d.Modules(ctx)
			return nonNil(ms), err
		}),
		"get_module_interface": withDeployer(env, func(ctx context.Context, c *Call, d Deployer) (any, error) {
			hash, err := oneString(c, "module_hash")
			if err != nil {
				return nil, err
			}
			return d.ModuleInterface(ctx, hash)
		}),
		"list_blueprints": withDeployer(env, func(ctx context.Context, c *Call, d Deployer) (any, error) {
			if err := arity(c, 0, 0); err != nil {
				return nil, err
			}
			bps, err := d.Blueprints(ctx)
			return nonNil(bps), err
		}),
		"get_blueprint": withDeployer(env, func(ctx context.Context, c *Call, d Deployer) (any, error) {
			id, err := oneString(c, "blueprint_id")
			if err != nil {
				return nil, err
			}
			return d.Blueprint(ctx, id)
		}),
	}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func oneString(c *Call, name string) (string, error) {
	if err := arity(c, 1, 1); err != nil {
		return "", err
	}
	return stringArg(c, 0, name)
}

// distAddModule stores a module: add_module(bytes, config) -> hash. The
// reference takes the module as a base64 string; an array of bytes, which
// aqua-lib's declaration (Bytes) suggests, is accepted too.
func distAddModule(ctx context.Context, c *Call, d Deployer) (any, error) {
	if err := arity(c, 2, 2); err != nil {
		return nil, err
	}
	var wasm []byte
	switch v := c.Args[0].(type) {
	case string:
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return nil, argErr("%s must be the module in base64: %v", c.argName(0, "module_bytes"), err)
		}
		wasm = b
	default:
		b, err := bytesArg(c, 0, "module_bytes")
		if err != nil {
			return nil, argErr("%s must be the module in base64 or an array of bytes, got %s", c.argName(0, "module_bytes"), describe(v))
		}
		wasm = b
	}
	cfg, ok := c.Args[1].(map[string]any)
	if !ok {
		return nil, argErr("%s must be a module config (an object with a name), got %s", c.argName(1, "config"), describe(c.Args[1]))
	}
	name, err := asString(cfg["name"], "the name in "+c.argName(1, "config"))
	if err != nil {
		return nil, err
	}
	if err := checkModuleName(name); err != nil {
		return nil, argErr("%s: %v", c.argName(1, "config"), err)
	}
	return d.AddModule(ctx, wasm, name)
}

// checkModuleName accepts names that can be an import namespace.
func checkModuleName(name string) error {
	if name == "" {
		return errors.New("the module name is empty")
	}
	if strings.ContainsAny(name, "/\\\x00") {
		return fmt.Errorf("module name %q contains a path separator", name)
	}
	return nil
}

// distDefaultModuleConfig is the reference's default config for a module
// called name.
func distDefaultModuleConfig(_ context.Context, c *Call) (any, error) {
	name, err := oneString(c, "module_name")
	if err != nil {
		return nil, err
	}
	return map[string]any{"name": name, "load_from": nil, "file_name": nil}, nil
}

// distMakeModuleConfig builds a module config from the reference's
// positional arguments: name, mem_pages_count, max_heap_size,
// logger_enabled, preopened_files, envs, mapped_dirs, mounted_binaries,
// logging_mask. The memory and preopened-file arguments are accepted and
// dropped, as the reference does.
func distMakeModuleConfig(_ context.Context, c *Call) (any, error) {
	if err := arity(c, 1, 9); err != nil {
		return nil, err
	}
	name, err := stringArg(c, 0, "name")
	if err != nil {
		return nil, err
	}
	cfg := map[string]any{"name": name, "load_from": nil, "file_name": nil}
	if v, ok := optional(c, 3); ok {
		b, err := asBool(v, c.argName(3, "logger_enabled"))
		if err != nil {
			return nil, err
		}
		cfg["logger_enabled"] = b
	}
	wasi := map[string]any{"envs": nil, "mapped_dirs": nil}
	for _, f := range []struct {
		i    int
		name string
		into map[string]any
	}{{5, "envs", wasi}, {6, "mapped_dirs", wasi}, {7, "mounted_binaries", cfg}} {
		v, ok := optional(c, f.i)
		if !ok {
			continue
		}
		t, err := pairsTable(v, c.argName(f.i, f.name))
		if err != nil {
			return nil, err
		}
		f.into[f.name] = t
	}
	cfg["wasi"] = wasi
	if v, ok := optional(c, 8); ok {
		mask, err := asInt(v, c.argName(8, "logging_mask"))
		if err != nil || mask < -1<<31 || mask >= 1<<31 {
			return nil, argErr("%s must be an i32, got %s", c.argName(8, "logging_mask"), describe(v))
		}
		cfg["logging_mask"] = mask
	}
	return cfg, nil
}

// pairsTable turns [[key, value], ...] into an object.
func pairsTable(v any, what string) (map[string]any, error) {
	pairs, err := asArray(v, what)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(pairs))
	for i, p := range pairs {
		kv, err := asStrings(p, fmt.Sprintf("pair %d of %s", i, what))
		if err != nil || len(kv) != 2 {
			return nil, argErr("pair %d of %s must be [key, value] strings, got %s", i, what, describe(p))
		}
		out[kv[0]] = kv[1]
	}
	return out, nil
}

// distMakeBlueprint returns the blueprint of a service as the reference's
// DAG-JSON text: make_blueprint(name, dependencies) -> string.
func distMakeBlueprint(_ context.Context, c *Call) (any, error) {
	if err := arity(c, 2, 2); err != nil {
		return nil, err
	}
	name, err := stringArg(c, 0, "name")
	if err != nil {
		return nil, err
	}
	deps, err := stringsArg(c, 1, "dependencies")
	if err != nil {
		return nil, err
	}
	for _, d := range deps {
		if err := CheckContentID(d); err != nil {
			return nil, argErr("%s: %v", c.argName(1, "dependencies"), err)
		}
	}
	return string(EncodeBlueprint(name, deps)), nil
}

// EncodeBlueprint is the DAG-JSON form of a blueprint, whose content id
// is the blueprint's id: {"dependencies":[{"/":cid},...],"name":name},
// keys sorted, no spaces.
func EncodeBlueprint(name string, deps []string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"dependencies":[`)
	for i, d := range deps {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"/":`)
		writeJSONString(&b, d)
		b.WriteByte('}')
	}
	b.WriteString(`],"name":`)
	writeJSONString(&b, name)
	b.WriteByte('}')
	return b.Bytes()
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Truncate(b.Len() - 1)
}

// DecodeBlueprint reads a blueprint in DAG-JSON and returns it with its
// id.
func DecodeBlueprint(text string) (Blueprint, error) {
	var raw struct {
		Name         *string           `json:"name"`
		Dependencies []json.RawMessage `json:"dependencies"`
	}
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return Blueprint{}, fmt.Errorf("the blueprint is not DAG-JSON: %w", err)
	}
	if raw.Name == nil {
		return Blueprint{}, errors.New("the blueprint has no name")
	}
	if len(raw.Dependencies) == 0 {
		return Blueprint{}, fmt.Errorf("blueprint %q lists no modules", *raw.Name)
	}
	bp := Blueprint{Name: *raw.Name}
	for i, d := range raw.Dependencies {
		var link struct {
			CID string `json:"/"`
		}
		if err := json.Unmarshal(d, &link); err != nil || link.CID == "" {
			return Blueprint{}, fmt.Errorf("dependency %d of blueprint %q is not a link {\"/\": cid}: %s", i, bp.Name, d)
		}
		if err := CheckContentID(link.CID); err != nil {
			return Blueprint{}, fmt.Errorf("dependency %d of blueprint %q: %w", i, bp.Name, err)
		}
		bp.Dependencies = append(bp.Dependencies, link.CID)
	}
	bp.ID = ContentID(EncodeBlueprint(bp.Name, bp.Dependencies))
	return bp, nil
}

// distAddBlueprint stores a blueprint made by make_blueprint and returns
// its id.
func distAddBlueprint(ctx context.Context, c *Call, d Deployer) (any, error) {
	text, err := oneString(c, "blueprint")
	if err != nil {
		return nil, err
	}
	bp, err := DecodeBlueprint(text)
	if err != nil {
		return nil, err
	}
	if err := d.AddBlueprint(ctx, bp); err != nil {
		return nil, err
	}
	return bp.ID, nil
}
