package node

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/memnet"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// The conformance corpus runs AIR compiled by the reference compiler on
// our network and compares each result with what the reference runtime
// returned for the same call. testdata/conformance/README.md describes the
// files and how to regenerate them.

var (
	updateReference = flag.Bool("update-reference", false,
		"recompile the conformance corpus and rerun it on the reference runtime (needs Node and the oracle)")
	updateOnly = flag.String("update-only", "",
		"with -update-reference, regenerate only the cases whose names match this regular expression")
	oraclePath = flag.String("oracle", "/work/shared/oracle/oracle", "the reference toolchain runner, for -update-reference")
)

const (
	conformanceDir = "testdata/conformance"
	// conformancePeers is the size of both networks: the reference's
	// ephemeral network and ours, not counting the client.
	conformancePeers = 10
	defaultTTL       = 10 * time.Second
)

// conformanceCase is one call of an exported Aqua function.
type conformanceCase struct {
	Name string `json:"name"`
	// File is the Aqua program, relative to testdata/conformance.
	File string `json:"file"`
	// Call names the function and its arguments, each an identifier
	// that is the function's parameter name and a key of Args (or an
	// arrow parameter, answered by the services both sides provide).
	Call string `json:"call"`
	// Args are the arguments as the reference runner takes them: JS
	// values, converted with the declared types (null is an empty
	// option). "$PEERn", "$RELAY" and "$CLIENT" name peers.
	Args map[string]json.RawMessage `json:"args"`
	// RawArgs, when set, are the same arguments as AIR values (an option
	// is an array), which is what our client passes on.
	RawArgs map[string]json.RawMessage `json:"rawArgs,omitempty"`
	// Multiset lists paths of arrays filled by parallel branches on
	// different peers, whose order is the order of arrival.
	Multiset []string `json:"multiset,omitempty"`
	// Ignore maps paths whose values differ by nature (clocks, versions)
	// to the reason; only their JSON kinds are compared.
	Ignore map[string]string `json:"ignore,omitempty"`
	// IgnoreMessage, when set, says why an error's message is not
	// compared; its code and peer always are.
	IgnoreMessage string `json:"ignoreMessage,omitempty"`
	// TTL is the particle's TTL in milliseconds; default 10000.
	TTL int `json:"ttl,omitempty"`
	// Differs, when set, says why our outcome deliberately differs from
	// the reference's (a builtin of the JavaScript client that the node
	// implements as the reference node does); Ours is then our expected
	// outcome.
	Differs string   `json:"differs,omitempty"`
	Ours    *outcome `json:"ours,omitempty"`
}

var callPattern = regexp.MustCompile(`^(\w+)\(([\w, ]*)\)$`)

func (c conformanceCase) function() string {
	m := callPattern.FindStringSubmatch(c.Call)
	if m == nil {
		return ""
	}
	return m[1]
}

func (c conformanceCase) ttl() time.Duration {
	if c.TTL > 0 {
		return time.Duration(c.TTL) * time.Millisecond
	}
	return defaultTTL
}

// airFile is where the reference compiler's AIR for the case's function
// is kept: air/<program>/<function>.air.
func (c conformanceCase) airFile() string { return c.airFileIn(conformanceDir) }

func (c conformanceCase) referenceFile() string { return c.referenceFileIn(conformanceDir) }

func (c conformanceCase) airFileIn(dir string) string {
	program := strings.TrimSuffix(filepath.Base(c.File), ".aqua")
	return filepath.Join(dir, "air", program, c.function()+".air")
}

func (c conformanceCase) referenceFileIn(dir string) string {
	return filepath.Join(dir, "reference", c.Name+".json")
}

// readCases decodes dir/cases.json and then every dir/cases/*.json, in
// name order, strictly: an unknown field is an error, not a case silently
// ignored. The files under cases/ let each group of programs keep its
// cases beside the others without one list growing without end.
func readCases[C any](t *testing.T, dir string) []C {
	t.Helper()
	more, err := filepath.Glob(filepath.Join(dir, "cases", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []C
	for _, path := range append([]string{filepath.Join(dir, "cases.json")}, more...) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var some []C
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&some); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		cases = append(cases, some...)
	}
	return cases
}

func loadCases(t *testing.T) []conformanceCase {
	t.Helper()
	cases := readCases[conformanceCase](t, conformanceDir)
	seen := map[string]bool{}
	for _, c := range cases {
		if c.function() == "" {
			t.Fatalf("case %s: call %q is not name(ident, ...)", c.Name, c.Call)
		}
		if (c.Differs == "") != (c.Ours == nil) {
			t.Fatalf("case %s: differs and ours go together", c.Name)
		}
		if seen[c.Name] {
			t.Fatalf("case %s appears twice", c.Name)
		}
		seen[c.Name] = true
	}
	return cases
}

// outcome is what a call ended with, in the reference runner's form:
// {"ok": result}, {"error": message, "details": error object} for an
// error that reached errorHandlingSrv, or {"error", "type":
// "ExpirationError"} when nothing came back within the TTL.
type outcome struct {
	OK      json.RawMessage `json:"ok,omitempty"`
	Error   string          `json:"error,omitempty"`
	Type    string          `json:"type,omitempty"`
	Details json.RawMessage `json:"details,omitempty"`
}

func TestConformance(t *testing.T) {
	cases := loadCases(t)
	if *updateReference {
		regenerateReference(t, cases)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			script, err := os.ReadFile(c.airFile())
			if err != nil {
				t.Fatalf("%v (run the test with -update-reference to compile the corpus)", err)
			}
			want := readOutcome(t, c.referenceFile())
			got := runConformanceCase(t, c, string(script))
			if c.Differs != "" {
				if len(compareOutcomes(c, want, *c.Ours)) == 0 {
					t.Errorf("the reference now agrees with what we expect (%s): drop differs", c.Differs)
				}
				want = *c.Ours
			}
			for _, d := range compareOutcomes(c, want, got) {
				t.Error(d)
			}
		})
	}
}

func readOutcome(t *testing.T, path string) outcome {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update-reference to record the reference results)", err)
	}
	var o outcome
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return o
}

// conformanceNet is a client and conformancePeers nodes in memory, with
// the services of testdata/conformance/services.mjs.
type conformanceNet struct {
	client *Node
	nodes  []*Node
	key    peer.PrivateKey // the client's
}

// placeholders maps peer ids to the names the corpus uses for them.
func (n *conformanceNet) placeholders() map[string]string {
	m := map[string]string{string(n.client.ID()): "$CLIENT"}
	for i, nd := range n.nodes {
		m[string(nd.ID())] = fmt.Sprintf("$PEER%d", i)
	}
	return m
}

func (n *conformanceNet) resolve(name string) (string, bool) {
	switch {
	case name == "$CLIENT":
		return string(n.client.ID()), true
	case name == "$RELAY":
		return string(n.nodes[0].ID()), true
	case strings.HasPrefix(name, "$PEER"):
		i, err := strconv.Atoi(name[len("$PEER"):])
		if err != nil || i < 0 || i >= len(n.nodes) {
			return "", false
		}
		return string(n.nodes[i].ID()), true
	}
	return "", false
}

// serviceTable serves deployed services from a map.
type serviceTable map[string]builtin.Service

func (s serviceTable) Lookup(service, function string) (builtin.Func, bool) {
	f, ok := s[service][function]
	return f, ok
}

// whoami answers the id of the peer it runs on.
func whoami(id peer.ID) serviceTable {
	return serviceTable{"whoami": {"id": func(context.Context, *builtin.Call) (any, error) { return string(id), nil }}}
}

// conformanceKey is the key of the client (seed 100) or of node i (seed i+1).
func conformanceKey(t *testing.T, seed byte) peer.PrivateKey {
	t.Helper()
	key, err := peer.Ed25519FromSeed(bytes.Repeat([]byte{seed}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func startConformanceNet(t *testing.T) *conformanceNet {
	t.Helper()
	mem := memnet.New()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait(); mem.Close() })
	start := func(seed byte) (*Node, peer.PrivateKey) {
		key := conformanceKey(t, seed)
		id := peer.IDOf(key)
		nd, err := New(Config{Key: key, Transport: mem.Transport(id), Services: whoami(id), Scope: &testScope{}})
		if err != nil {
			t.Fatal(err)
		}
		mem.Add(id, nd)
		wg.Go(func() { _ = nd.Run(ctx) })
		return nd, key
	}
	n := &conformanceNet{}
	n.client, n.key = start(100)
	for i := range conformancePeers {
		nd, _ := start(byte(i + 1))
		n.nodes = append(n.nodes, nd)
	}
	// The topology of the reference's network: the nodes reach one
	// another, but the client is connected to its relay only, so a
	// particle a node sends straight to the client (or the client to a
	// node other than its relay) is dropped there, and here.
	for _, nd := range n.nodes[1:] {
		mem.Partition(n.client.ID(), nd.ID())
	}
	return n
}

// clientServices are the services of services.mjs on the client, for
// one particle: failing, greeter, kv and kv2, whoami, the arrow argument
// cb, and the wrapper's getDataSrv, callbackSrv.response and
// errorHandlingSrv.error, which report to done.
func clientServices(n *conformanceNet, args map[string]any, done chan<- outcome) map[string]builtin.Service {
	report := func(o outcome) { reportOnce(done, o) }
	str := func(c *builtin.Call, i int) string {
		if i < len(c.Args) {
			if s, ok := c.Args[i].(string); ok {
				return s
			}
		}
		return ""
	}
	var mu sync.Mutex
	store := map[string]string{}
	kv := func(id string) builtin.Service {
		return builtin.Service{
			"put": func(_ context.Context, c *builtin.Call) (any, error) {
				mu.Lock()
				defer mu.Unlock()
				store[id+"/"+str(c, 0)] = str(c, 1)
				return nil, nil
			},
			"get": func(_ context.Context, c *builtin.Call) (any, error) {
				mu.Lock()
				defer mu.Unlock()
				if v, ok := store[id+"/"+str(c, 0)]; ok {
					return []any{v}, nil
				}
				return []any{}, nil
			},
		}
	}
	data := builtin.Service{"-relay-": func(context.Context, *builtin.Call) (any, error) { return string(n.nodes[0].ID()), nil }}
	for name, v := range args {
		data[name] = func(context.Context, *builtin.Call) (any, error) { return v, nil }
	}
	return map[string]builtin.Service{
		"getDataSrv": data,
		"callbackSrv": {
			"response": func(_ context.Context, c *builtin.Call) (any, error) {
				var res any = c.Args
				switch len(c.Args) {
				case 0:
					res = nil
				case 1:
					res = c.Args[0]
				}
				report(outcome{OK: json.RawMessage(builtin.Stringify(res))})
				return nil, nil
			},
			"cb": func(_ context.Context, c *builtin.Call) (any, error) { return strings.ToUpper(str(c, 0)), nil },
		},
		"errorHandlingSrv": {"error": func(_ context.Context, c *builtin.Call) (any, error) {
			o := outcome{Error: builtin.Stringify(c.Args)}
			if len(c.Args) > 0 {
				o.Details = json.RawMessage(builtin.Stringify(c.Args[0]))
				if m, ok := c.Args[0].(map[string]any); ok {
					if s, ok := m["message"].(string); ok {
						o.Error = s
					}
				}
			}
			report(o)
			return nil, nil
		}},
		"failing": {
			"fail": func(_ context.Context, c *builtin.Call) (any, error) { return nil, errors.New("boom: " + str(c, 0)) },
			"ok":   func(_ context.Context, c *builtin.Call) (any, error) { return "ok: " + str(c, 0), nil },
		},
		"greeter": {"greet": func(_ context.Context, c *builtin.Call) (any, error) {
			if loud, _ := c.Args[1].(bool); loud {
				return strings.ToUpper(str(c, 0)) + "!", nil
			}
			return "hello, " + str(c, 0), nil
		}},
		"kv":     kv("kv"),
		"kv2":    kv("kv2"),
		"whoami": whoami(n.client.ID())["whoami"],
	}
}

// reportOnce sends o unless an outcome was sent already: only the first
// counts.
func reportOnce(done chan<- outcome, o outcome) {
	select {
	case done <- o:
	default:
	}
}

// watchInterpreter reports a failed interpretation of the particle on
// the client, which the reference client turns into the call's error,
// until ctx ends.
func watchInterpreter(ctx context.Context, client *Node, particleID string, done chan<- outcome) {
	sub := client.Events().Subscribe()
	defer sub.Close()
	next := uint64(1)
	for {
		evs, _ := client.Events().Since(next, 1000)
		for _, e := range evs {
			next = e.Seq + 1
			if e.Kind == trace.Interpreted && e.Particle == particleID && e.RetCode != 0 {
				reportOnce(done, outcome{Error: "Script interpretation failed: " + e.Err, Type: "InterpreterError"})
				return
			}
		}
		select {
		case <-sub.C():
		case <-ctx.Done():
			return
		}
	}
}

// runConformanceCase runs the case's script from the client of a fresh
// network and returns its outcome with peer ids replaced by placeholders.
func runConformanceCase(t *testing.T, c conformanceCase, script string) outcome {
	t.Helper()
	return runCase(t, c, script, "conformance-", nil)
}

// runCase runs the case's script from the client of a fresh network, as
// particle idPrefix+c.Name, with the conformance services and extra on
// the client, and returns its outcome with peer ids replaced by
// placeholders.
func runCase(t *testing.T, c conformanceCase, script, idPrefix string, extra map[string]builtin.Service) outcome {
	t.Helper()
	n := startConformanceNet(t)
	raw := c.Args
	if c.RawArgs != nil {
		raw = c.RawArgs
	}
	args := map[string]any{}
	for name, v := range raw {
		decoded, err := builtin.DecodeArgs(append(append([]byte{'['}, v...), ']'))
		if err != nil {
			t.Fatalf("argument %s: %v", name, err)
		}
		args[name] = substitutePeers(jsNumbers(decoded[0]), n.resolve)
	}
	done := make(chan outcome, 1)
	p := particle.New(idPrefix+c.Name, n.client.ID(), script, time.Now(), c.ttl())
	if err := p.Sign(n.key); err != nil {
		t.Fatal(err)
	}
	services := clientServices(n, args, done)
	for id, fns := range extra {
		if services[id] == nil {
			services[id] = builtin.Service{}
		}
		maps.Copy(services[id], fns)
	}
	scope(n.client, p.ID, services)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go watchInterpreter(ctx, n.client, p.ID, done)
	n.client.Deliver(n.client.ID(), p)

	var got outcome
	select {
	case got = <-done:
	case <-time.After(c.ttl() + time.Second):
		got = outcome{Error: fmt.Sprintf("Particle expired after ttl of %dms", c.ttl().Milliseconds()), Type: "ExpirationError"}
	}
	ids := n.placeholders()
	if got.OK != nil {
		got.OK = json.RawMessage(replacePeerIDs(string(got.OK), ids))
	}
	if got.Details != nil {
		got.Details = json.RawMessage(replacePeerIDs(string(got.Details), ids))
	}
	got.Error = replacePeerIDs(got.Error, ids)
	return got
}

// substitutePeers replaces placeholder strings anywhere in v.
func substitutePeers(v any, resolve func(string) (string, bool)) any {
	switch v := v.(type) {
	case string:
		if id, ok := resolve(v); ok {
			return id
		}
		return v
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = substitutePeers(e, resolve)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = substitutePeers(e, resolve)
		}
		return out
	}
	return v
}

// jsNumbers rewrites the numbers in v as the reference client sends them:
// JavaScript has only doubles, so 3.0 goes out as 3 and the interpreter
// sees an integer.
func jsNumbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		f, err := v.Float64()
		if err == nil && f == math.Trunc(f) && math.Abs(f) < 1e21 && strings.ContainsAny(string(v), ".eE") {
			return json.Number(strconv.FormatFloat(f, 'f', -1, 64))
		}
		return v
	case []any:
		for i, e := range v {
			v[i] = jsNumbers(e)
		}
	case map[string]any:
		for k, e := range v {
			v[k] = jsNumbers(e)
		}
	}
	return v
}

// replacePeerIDs replaces every peer id in s (inside strings too, as in
// "at 12D3Koo...") by its placeholder.
func replacePeerIDs(s string, ids map[string]string) string {
	for id, name := range ids {
		s = strings.ReplaceAll(s, id, name)
	}
	return s
}

// compareOutcomes lists the differences between the reference's outcome
// and ours.
func compareOutcomes(c conformanceCase, want, got outcome) []string {
	show := func(o outcome) string { b, _ := json.Marshal(o); return string(b) }
	switch {
	case want.Type != "" || got.Type != "":
		// The runner's own errors: compared by kind, as their messages
		// are the client's.
		if want.Type != got.Type {
			return []string{fmt.Sprintf("reference: %s\nours:      %s", show(want), show(got))}
		}
		return nil
	case want.OK != nil || got.OK != nil:
		if want.OK == nil || got.OK == nil {
			return []string{fmt.Sprintf("reference: %s\nours:      %s", show(want), show(got))}
		}
		return compareValues(c, decodeJSON(want.OK), decodeJSON(got.OK))
	}
	// Both failed: compare the error objects.
	w, _ := decodeJSON(want.Details).(map[string]any)
	g, _ := decodeJSON(got.Details).(map[string]any)
	var diffs []string
	for _, field := range []string{"error_code", "peer_id", "message", "instruction"} {
		if field == "message" && c.IgnoreMessage != "" {
			continue
		}
		if !equalJSON(w[field], g[field]) {
			diffs = append(diffs, fmt.Sprintf("error %s: reference %s, ours %s", field, mustJSON(w[field]), mustJSON(g[field])))
		}
	}
	return diffs
}

func compareValues(c conformanceCase, want, got any) []string {
	var diffs []string
	var walk func(path string, w, g any)
	walk = func(path string, w, g any) {
		if _, ok := matchPath(c.Ignore, path); ok {
			if kindOf(w) != kindOf(g) {
				diffs = append(diffs, fmt.Sprintf("at %q: reference %s, ours %s", path, mustJSON(w), mustJSON(g)))
			}
			return
		}
		if slices.Contains(c.Multiset, path) {
			wa, wok := w.([]any)
			ga, gok := g.([]any)
			if wok && gok {
				w, g = sortedByJSON(wa), sortedByJSON(ga)
			}
		}
		switch wv := w.(type) {
		case []any:
			gv, ok := g.([]any)
			if !ok || len(gv) != len(wv) {
				diffs = append(diffs, fmt.Sprintf("at %q: reference %s, ours %s", path, mustJSON(w), mustJSON(g)))
				return
			}
			for i := range wv {
				walk(joinPath(path, strconv.Itoa(i)), wv[i], gv[i])
			}
		case map[string]any:
			gv, ok := g.(map[string]any)
			if !ok || len(gv) != len(wv) {
				diffs = append(diffs, fmt.Sprintf("at %q: reference %s, ours %s", path, mustJSON(w), mustJSON(g)))
				return
			}
			for k := range wv {
				walk(joinPath(path, k), wv[k], gv[k])
			}
		default:
			if !equalJSON(w, g) {
				diffs = append(diffs, fmt.Sprintf("at %q: reference %s, ours %s", path, mustJSON(w), mustJSON(g)))
			}
		}
	}
	walk("", want, got)
	return diffs
}

func joinPath(path, elem string) string {
	if path == "" {
		return elem
	}
	return path + "." + elem
}

// matchPath finds the pattern in m that matches path; "*" in a pattern
// matches any one element.
func matchPath(m map[string]string, path string) (string, bool) {
	for pattern := range m {
		p, q := strings.Split(pattern, "."), strings.Split(path, ".")
		if len(p) != len(q) {
			continue
		}
		ok := true
		for i := range p {
			if p[i] != "*" && p[i] != q[i] {
				ok = false
				break
			}
		}
		if ok {
			return pattern, true
		}
	}
	return "", false
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

// equalJSON compares scalars; numbers by value, so that 7 and 7.0 agree.
func equalJSON(a, b any) bool {
	an, aok := a.(json.Number)
	bn, bok := b.(json.Number)
	if aok && bok {
		if an == bn {
			return true
		}
		af, err1 := an.Float64()
		bf, err2 := bn.Float64()
		return err1 == nil && err2 == nil && af == bf
	}
	return mustJSON(a) == mustJSON(b)
}

func sortedByJSON(xs []any) []any {
	out := slices.Clone(xs)
	slices.SortFunc(out, func(a, b any) int { return strings.Compare(mustJSON(a), mustJSON(b)) })
	return out
}

func decodeJSON(b json.RawMessage) any {
	if len(b) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "invalid JSON: " + string(b)
	}
	return v
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}

// regenerateReference compiles every program of the corpus with the
// reference compiler and records the reference runtime's outcome of every
// case, both through the oracle.
func regenerateReference(t *testing.T, cases []conformanceCase) {
	t.Helper()
	regenerate(t, conformanceDir, cases, func(i int) string { return cases[i].referenceFile() })
}

// regenerate compiles the programs of cases, under dir, with the
// reference compiler into dir/air, and records the reference runtime's
// outcome of case i in the file reference(i) names.
func regenerate(t *testing.T, dir string, cases []conformanceCase, reference func(i int) string) {
	t.Helper()
	if _, err := os.Stat(*oraclePath); err != nil {
		t.Fatalf("-update-reference needs the oracle: %v", err)
	}
	everything := *updateOnly == ""
	if !everything {
		only, err := regexp.Compile(*updateOnly)
		if err != nil {
			t.Fatalf("-update-only: %v", err)
		}
		var picked []conformanceCase
		var files []string
		for i, c := range cases {
			if only.MatchString(c.Name) {
				picked = append(picked, c)
				files = append(files, reference(i))
			}
		}
		if len(picked) == 0 {
			t.Fatalf("-update-only %q matches no case", *updateOnly)
		}
		cases = picked
		reference = func(i int) string { return files[i] }
	}
	programs := map[string]bool{}
	for _, c := range cases {
		programs[c.File] = true
	}
	for file := range programs {
		out := filepath.Join(dir, "air", strings.TrimSuffix(filepath.Base(file), ".aqua"))
		if err := os.RemoveAll(out); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
		oracle(t, nil, "compile", filepath.Join(dir, file), "--out", out)
	}

	var peers struct {
		Client string   `json:"client"`
		Peers  []string `json:"peers"`
	}
	if err := json.Unmarshal(oracle(t, nil, "run", "--peers", "--npeers", strconv.Itoa(conformancePeers)), &peers); err != nil {
		t.Fatalf("oracle run --peers: %v", err)
	}
	ids := map[string]string{peers.Client: "$CLIENT"}
	for i, id := range peers.Peers {
		ids[id] = fmt.Sprintf("$PEER%d", i)
	}

	services, err := filepath.Abs(filepath.Join(dir, "services.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	var jobs bytes.Buffer
	for _, c := range cases {
		file, err := filepath.Abs(filepath.Join(dir, c.File))
		if err != nil {
			t.Fatal(err)
		}
		job := map[string]any{"file": file, "call": c.Call, "args": c.Args, "services": services}
		if c.TTL > 0 {
			job["ttl"] = c.TTL
		}
		b, err := json.Marshal(job)
		if err != nil {
			t.Fatal(err)
		}
		jobs.Write(append(b, '\n'))
	}
	out := oracle(t, &jobs, "run", "--npeers", strconv.Itoa(conformancePeers), "--batch", "-")
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(cases) {
		t.Fatalf("oracle answered %d lines for %d cases", len(lines), len(cases))
	}
	if everything {
		if err := os.RemoveAll(filepath.Join(dir, "reference")); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range cases {
		var o outcome
		if err := json.Unmarshal([]byte(replacePeerIDs(lines[i], ids)), &o); err != nil {
			t.Fatalf("case %s: oracle answered %q: %v", c.Name, lines[i], err)
		}
		if o.OK == nil && o.Details == nil && o.Type == "" {
			t.Fatalf("case %s: the reference runner failed: %s", c.Name, o.Error)
		}
		b, err := json.MarshalIndent(o, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		path := reference(i)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// oracle runs the reference toolchain and returns its standard output.
func oracle(t *testing.T, stdin *bytes.Buffer, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(*oraclePath, args...)
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}
