package builtin

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/peer"
)

// memDeployer keeps modules, blueprints and services in maps, as a
// Marine-backed deployer would without running anything.
type memDeployer struct {
	modules    map[string]Module
	blueprints map[string]Blueprint
	services   map[string]ServiceInfo
	aliases    map[string]string
	next       int
}

func newMemDeployer() *memDeployer {
	return &memDeployer{modules: map[string]Module{}, blueprints: map[string]Blueprint{},
		services: map[string]ServiceInfo{}, aliases: map[string]string{}}
}

func (d *memDeployer) AddModule(_ context.Context, wasm []byte, name string) (string, error) {
	h := ContentID(wasm)
	d.modules[h] = Module{Name: name, Hash: h, Config: ModuleConfig{LoggerEnabled: true}}
	return h, nil
}

func (d *memDeployer) Modules(context.Context) ([]Module, error) {
	var out []Module
	for _, m := range d.modules {
		out = append(out, m)
	}
	return out, nil
}

func (d *memDeployer) ModuleInterface(_ context.Context, hash string) (Interface, error) {
	m, ok := d.modules[hash]
	if !ok {
		return Interface{}, fmt.Errorf("no module %s", hash)
	}
	return Interface{FunctionSignatures: []FunctionSignature{{Name: m.Name, Arguments: [][]string{}, OutputTypes: []string{}}}, RecordTypes: []RecordType{}}, nil
}

func (d *memDeployer) AddBlueprint(_ context.Context, bp Blueprint) error {
	d.blueprints[bp.ID] = bp
	return nil
}

func (d *memDeployer) Blueprints(context.Context) ([]Blueprint, error) {
	var out []Blueprint
	for _, bp := range d.blueprints {
		out = append(out, bp)
	}
	return out, nil
}

func (d *memDeployer) Blueprint(_ context.Context, id string) (Blueprint, error) {
	bp, ok := d.blueprints[id]
	if !ok {
		return Blueprint{}, fmt.Errorf("no blueprint %s", id)
	}
	return bp, nil
}

func (d *memDeployer) CreateService(_ context.Context, bp string, owner peer.ID) (string, error) {
	if _, ok := d.blueprints[bp]; !ok {
		return "", fmt.Errorf("no blueprint %s", bp)
	}
	d.next++
	id := fmt.Sprintf("svc-%d", d.next)
	d.services[id] = ServiceInfo{ID: id, BlueprintID: bp, ServiceType: "service", OwnerID: string(owner), Aliases: []string{}, WorkerID: string(testHost)}
	return id, nil
}

func (d *memDeployer) resolve(name string) (string, bool) {
	if _, ok := d.services[name]; ok {
		return name, true
	}
	id, ok := d.aliases[name]
	return id, ok
}

func (d *memDeployer) RemoveService(_ context.Context, name string) error {
	id, ok := d.resolve(name)
	if !ok {
		return fmt.Errorf("no service %s", name)
	}
	delete(d.services, id)
	return nil
}

func (d *memDeployer) Services(context.Context) ([]ServiceInfo, error) {
	var out []ServiceInfo
	for _, s := range d.services {
		out = append(out, s)
	}
	return out, nil
}

func (d *memDeployer) Service(_ context.Context, name string) (ServiceInfo, error) {
	id, ok := d.resolve(name)
	if !ok {
		return ServiceInfo{}, fmt.Errorf("no service %s", name)
	}
	return d.services[id], nil
}

func (d *memDeployer) AddAlias(_ context.Context, alias, id string) error {
	s, ok := d.services[id]
	if !ok {
		return fmt.Errorf("no service %s", id)
	}
	d.aliases[alias] = id
	s.Aliases = append(s.Aliases, alias)
	d.services[id] = s
	return nil
}

func (d *memDeployer) ResolveAlias(_ context.Context, alias string) (string, bool) {
	id, ok := d.aliases[alias]
	return id, ok
}

func (d *memDeployer) ServiceInterface(ctx context.Context, name string) (Interface, error) {
	s, err := d.Service(ctx, name)
	if err != nil {
		return Interface{}, err
	}
	bp := d.blueprints[s.BlueprintID]
	return d.ModuleInterface(ctx, bp.Dependencies[len(bp.Dependencies)-1])
}

func TestContentID(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		// The reference node's own test vector: the id of a blueprint.
		{"blueprint", EncodeBlueprint("trust-graph", []string{
			"bafybeiey4i2vtj7uu7tlvdoc2o52uuuwxa4ahcx5g4lpqzk4qtd5klniuq",
			"bafybeibuvzascfzi5ikyzhjxdkridgytg4z26ujtnx7xrejq7gxq54ssdm",
		}), "bafkreifdehdwcppttfsqaju4kodgn5wgbefrarbzc72k4sore2bwpeq2fa"},
		{"empty", nil, "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"},
		{"one chunk", bytes.Repeat([]byte{7}, chunkSize), ContentID(bytes.Repeat([]byte{7}, chunkSize))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ContentID(tt.in)
			if got != tt.want {
				t.Errorf("ContentID = %s, want %s", got, tt.want)
			}
			if err := CheckContentID(got); err != nil {
				t.Error(err)
			}
		})
	}
	one, two := ContentID(bytes.Repeat([]byte{7}, chunkSize)), ContentID(bytes.Repeat([]byte{7}, chunkSize+1))
	if !strings.HasPrefix(one, "bafkrei") || !strings.HasPrefix(two, "bafybei") {
		t.Errorf("one chunk = %s (want raw, bafkrei...), two chunks = %s (want dag-pb, bafybei...)", one, two)
	}
}

// TestContentIDFile checks the id of a file of several chunks against the
// one IPFS gives it (ipfs add --cid-version 1 --raw-leaves; computed with
// boxo's balanced UnixFS importer, 256 KiB chunks) for the bytes
// threeChunks makes.
func TestContentIDFile(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "cid", "three-chunks.cid"))
	if err != nil {
		t.Fatal(err)
	}
	if got := ContentID(threeChunks()); got != strings.TrimSpace(string(want)) {
		t.Errorf("ContentID = %s, want %s", got, want)
	}
}

// threeChunks is 600,000 bytes counting up modulo 251: three chunks, the
// last one short.
func threeChunks() []byte {
	b := make([]byte, 600_000)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

func TestCheckContentID(t *testing.T) {
	for _, s := range []string{"", "Qm", "bafk", "b!!", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyk", "zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93bA"} {
		if CheckContentID(s) == nil {
			t.Errorf("CheckContentID(%q) = nil, want an error", s)
		}
	}
}

func newDistSet(d Deployer, manager peer.ID) *Set {
	return New(Env{
		Host: testHost, Key: testKey, Now: func() time.Time { return testNow }, Console: io.Discard,
		Deployer: d, Managers: func(id peer.ID) bool { return id == manager },
	})
}

func TestDistAndSrv(t *testing.T) {
	const (
		manager  = peer.ID("12D3KooWJankP2PcEDYCZDdJ26JsU8BMRfdGWyGqbtFiWyoKVtmx")
		stranger = peer.ID("12D3KooWMMcTEXjF84w3JE4KEnVyrD8HPZqyvxwWuJs9yVimui6L")
	)
	d := newMemDeployer()
	s := newDistSet(d, manager)
	wasm := []byte("\x00asm module")
	hash := ContentID(wasm)
	b64 := base64.StdEncoding.EncodeToString(wasm)
	bp := EncodeBlueprint("greeting", []string{hash})
	bpID := ContentID(bp)
	bpArg := Stringify(string(bp))

	steps := []struct {
		svc, fn, args string
		init          peer.ID
		want          string
	}{
		{"dist", "default_module_config", `["m"]`, stranger, `{"file_name":null,"load_from":null,"name":"m"}`},
		{"dist", "make_module_config", `["m", [], [], [true], [], [[["A","1"]]], [], [[["curl","/bin/curl"]]], [7]]`, stranger,
			`{"file_name":null,"load_from":null,"logger_enabled":true,"logging_mask":7,"mounted_binaries":{"curl":"/bin/curl"},"name":"m","wasi":{"envs":{"A":"1"},"mapped_dirs":null}}`},
		{"dist", "make_module_config", `["m", [], [], [1]]`, stranger, `error: argument 3 (logger_enabled) of dist.make_module_config must be a bool, got number 1`},
		{"dist", "add_module", `["` + b64 + `", {"name": "greeting"}]`, stranger,
			"error: dist.add_module is only available to the host or its management peers, and " + string(stranger) + " is neither"},
		{"dist", "add_module", `["` + b64 + `", {"name": "greeting"}]`, manager, `"` + hash + `"`},
		{"dist", "add_module", `[` + Stringify(bytesJSON(wasm)) + `, {"name": "greeting"}]`, testHost, `"` + hash + `"`},
		{"dist", "add_module", `["not base64!", {"name": "greeting"}]`, testHost, `error: argument 0 (module_bytes) of dist.add_module must be the module in base64: illegal base64 data at input byte 3`},
		{"dist", "add_module", `["` + b64 + `", {}]`, testHost, `error: the name in argument 1 (config) of dist.add_module must be a string, got null`},
		{"dist", "add_module", `["` + b64 + `", {"name": "a/b"}]`, testHost, `error: argument 1 (config) of dist.add_module: module name "a/b" contains a path separator`},
		{"dist", "list_modules", `[]`, stranger, `[{"name":"greeting","hash":"` + hash + `","config":{"logger_enabled":true}}]`},
		{"dist", "get_module_interface", `["` + hash + `"]`, stranger, `{"function_signatures":[{"arguments":[],"name":"greeting","output_types":[]}],"record_types":[]}`},
		{"dist", "make_blueprint", `["greeting", ["` + hash + `"]]`, stranger, bpArg},
		{"dist", "make_blueprint", `["greeting", ["nope"]]`, stranger, `error: argument 1 (dependencies) of dist.make_blueprint: "nope" is not a base32 CIDv1 (it should start with 'b')`},
		{"dist", "add_blueprint", `[` + bpArg + `]`, stranger, "error: dist.add_blueprint is only available to the host or its management peers, and " + string(stranger) + " is neither"},
		{"dist", "add_blueprint", `[` + bpArg + `]`, testHost, `"` + bpID + `"`},
		{"dist", "add_blueprint", `["{\"name\":\"x\",\"dependencies\":[]}"]`, testHost, `error: blueprint "x" lists no modules`},
		{"dist", "list_blueprints", `[]`, stranger, `[{"id":"` + bpID + `","name":"greeting","dependencies":["` + hash + `"]}]`},
		{"dist", "get_blueprint", `["` + bpID + `"]`, stranger, `{"id":"` + bpID + `","name":"greeting","dependencies":["` + hash + `"]}`},
		{"srv", "list", `[]`, stranger, `[]`},
		{"srv", "create", `["` + bpID + `"]`, stranger, "error: srv.create is only available to the host or its management peers, and " + string(stranger) + " is neither"},
		{"srv", "create", `["` + bpID + `"]`, manager, `"svc-1"`},
		{"srv", "add_alias", `["greeting", "svc-1"]`, stranger, "error: srv.add_alias is only available to the host or its management peers, and " + string(stranger) + " is neither"},
		{"srv", "add_alias", `["op", "svc-1"]`, testHost, `error: alias "op" is a builtin service, which would hide the alias`},
		{"srv", "add_alias", `["greeting", "svc-1"]`, testHost, "empty"},
		{"srv", "resolve_alias", `["greeting"]`, stranger, `"svc-1"`},
		{"srv", "resolve_alias", `["nope"]`, stranger, `error: no service has the alias "nope" on this peer`},
		{"srv", "resolve_alias_opt", `["greeting"]`, stranger, `["svc-1"]`},
		{"srv", "resolve_alias_opt", `["nope"]`, stranger, `[]`},
		{"srv", "info", `["greeting"]`, stranger, `{"id":"svc-1","blueprint_id":"` + bpID + `","service_type":"service","owner_id":"` + string(manager) + `","aliases":["greeting"],"worker_id":"` + string(testHost) + `"}`},
		{"srv", "get_interface", `["svc-1"]`, stranger, `{"function_signatures":[{"arguments":[],"name":"greeting","output_types":[]}],"record_types":[]}`},
		{"srv", "remove", `["greeting"]`, stranger, "error: srv.remove is only available to the host or its management peers, and " + string(stranger) + " is neither"},
		{"srv", "remove", `["greeting"]`, testHost, "empty"},
		{"srv", "list", `[]`, stranger, `[]`},
	}
	for i, st := range steps {
		if got := call(t, s, st.svc, st.fn, st.args, st.init); got != st.want {
			t.Errorf("step %d: %s.%s(%s) from %s\n got %s\nwant %s", i, st.svc, st.fn, st.args, st.init.ShortString(), got, st.want)
		}
	}
}

func TestDistWithoutDeployer(t *testing.T) {
	s := newTestSet(io.Discard)
	for _, fn := range []string{"list_modules", "list_blueprints"} {
		if got := call(t, s, "dist", fn, `[]`, testHost); got != "error: "+errNoDeployer.Error() {
			t.Errorf("dist.%s = %s", fn, got)
		}
	}
	// Building configs and blueprints needs no deployer.
	if got := call(t, s, "dist", "default_module_config", `["m"]`, testHost); strings.HasPrefix(got, "error") {
		t.Errorf("default_module_config = %s", got)
	}
}

func TestDecodeBlueprint(t *testing.T) {
	const cid = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
	tests := []struct {
		in, want string
	}{
		{`{"name":"a","dependencies":[{"/":"` + cid + `"}]}`, "a [" + cid + "]"},
		{`{ "dependencies" : [ {"/":"` + cid + `"} , {"/":"` + cid + `"} ], "name": "b" }`, "b [" + cid + " " + cid + "]"},
		{`{"dependencies":[{"/":"` + cid + `"}]}`, "error: the blueprint has no name"},
		{`{"name":"a","dependencies":["` + cid + `"]}`, `error: dependency 0 of blueprint "a" is not a link {"/": cid}: "` + cid + `"`},
		{`{"name":"a","dependencies":[{"/":"x"}]}`, `error: dependency 0 of blueprint "a": "x" is not a base32 CIDv1 (it should start with 'b')`},
		{`[]`, "error: the blueprint is not DAG-JSON: json: cannot unmarshal array into Go value of type struct { Name *string \"json:\\\"name\\\"\"; Dependencies []json.RawMessage \"json:\\\"dependencies\\\"\" }"},
	}
	for _, tt := range tests {
		bp, err := DecodeBlueprint(tt.in)
		got := fmt.Sprintf("%s %v", bp.Name, bp.Dependencies)
		if err != nil {
			got = "error: " + err.Error()
		} else if bp.ID != ContentID(EncodeBlueprint(bp.Name, bp.Dependencies)) {
			t.Errorf("%s: id %s is not the content id of the canonical form", tt.in, bp.ID)
		}
		if got != tt.want {
			t.Errorf("DecodeBlueprint(%s)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

// FuzzDecodeBlueprint checks that whatever decodes re-encodes to a
// blueprint that decodes to the same thing, with the same id.
func FuzzDecodeBlueprint(f *testing.F) {
	f.Add(`{"name":"a","dependencies":[{"/":"bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"}]}`)
	f.Add(`{"name":"","dependencies":[]}`)
	f.Fuzz(func(t *testing.T, text string) {
		bp, err := DecodeBlueprint(text)
		if err != nil {
			return
		}
		again, err := DecodeBlueprint(string(EncodeBlueprint(bp.Name, bp.Dependencies)))
		if err != nil {
			t.Fatalf("canonical form of %q does not decode: %v", text, err)
		}
		if again.ID != bp.ID || again.Name != bp.Name || !slices.Equal(again.Dependencies, bp.Dependencies) {
			t.Fatalf("round trip changed %+v to %+v", bp, again)
		}
	})
}
