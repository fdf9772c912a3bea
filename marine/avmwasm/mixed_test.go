package avmwasm_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/aquarium-p2p/aquarium/marine/avmwasm"
)

// This file holds the two interpreters against each other on one wire:
// particles whose hops alternate between core/avm and avm.wasm, and runs
// of both on the very same inputs, whose output data is compared.

// alternating runs hop i on first when i is even and on second when odd.
func alternating(first, second stepper) func(int) stepper {
	return func(i int) stepper {
		if i%2 == 0 {
			return first
		}
		return second
	}
}

// mixable reports whether a script's particles can alternate between the
// interpreters: the known divergences cannot, nor scripts one of them
// refuses to parse.
func mixable(name string) bool {
	_, divergent := knownDivergences[name]
	return !divergent && name != "parse error"
}

// TestMixedHops runs every script with its hops alternating between the
// interpreters, starting on either: each reads the data the other wrote
// and the particle must travel exactly as it does on avm.wasm alone.
func TestMixedHops(t *testing.T) {
	in := interpreter(t)
	scripts := allScripts(t)
	mixed := 0
	for _, name := range slices.Sorted(maps.Keys(scripts)) {
		if !mixable(name) {
			continue
		}
		mixed++
		t.Run(name, func(t *testing.T) {
			n := newNetwork()
			want := hopsText(n.travel(t, always(reference(in)), scripts[name]))
			for _, order := range []struct {
				name          string
				first, second stepper
			}{
				{"core/avm first", native, reference(in)},
				{"avm.wasm first", reference(in), native},
			} {
				if got := hopsText(n.travel(t, alternating(order.first, order.second), scripts[name])); got != want {
					t.Errorf("%s:\n%s\navm.wasm alone:\n%s", order.name, got, want)
				}
			}
		})
	}
	t.Logf("%d scripts, each with its hops alternating both ways", mixed)
}

// sameInputs counts how the two interpreters' data compared over the runs
// of a lockstep travel.
type sameInputs struct {
	runs, identical int
	// differences counts the differences of runs whose bytes differ, by
	// field, such as "value_store: order".
	differences map[string]int
}

// lockstep runs avm.wasm and core/avm on the same inputs at every run,
// checks that what a host sees agrees, compares the data, and hands on
// avm.wasm's outcome, so that the travel is avm.wasm's.
func lockstep(in *avmwasm.Interpreter, stats *sameInputs) stepper {
	ref := reference(in)
	return func(t *testing.T, p, init testPeer, script string, prev, current []byte, results map[uint32]avm.CallResult) outcome {
		want := ref(t, p, init, script, prev, current, results)
		got := native(t, p, init, script, prev, current, results)
		if got.retCode != want.retCode {
			t.Errorf("on %s: core/avm ret code %d (%s), avm.wasm %d (%s)", p.name, got.retCode, got.message, want.retCode, want.message)
			return want
		}
		if g, w := sortedCopy(got.nextPeers), sortedCopy(want.nextPeers); !slices.Equal(g, w) {
			t.Errorf("on %s: core/avm sends to %v, avm.wasm to %v", p.name, g, w)
		}
		if g, w := requestsText(got.requests), requestsText(want.requests); g != w {
			t.Errorf("on %s: core/avm asks for\n%s\navm.wasm for\n%s", p.name, g, w)
		}
		stats.runs++
		if bytes.Equal(got.data, want.data) {
			stats.identical++
			return want
		}
		diffs, err := dataDifferences(got.data, want.data)
		if err != nil {
			t.Errorf("on %s: %v", p.name, err)
			return want
		}
		for _, d := range diffs {
			if !allowedDifference(d) {
				t.Errorf("on %s: the data differs: %s", p.name, d)
			}
			stats.differences[d]++
		}
		return want
	}
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

func requestsText(rs map[uint32]request) string {
	var b strings.Builder
	for _, id := range slices.Sorted(maps.Keys(rs)) {
		r := rs[id]
		args, _ := json.Marshal(r.args)
		tets, _ := json.Marshal(r.tetraplets)
		fmt.Fprintf(&b, "%d %s.%s(%s) %s\n", id, r.service, r.function, args, tets)
	}
	return b.String()
}

// The differences between the two interpreters' data that the format
// allows (see the package doc of core/avm/data): the order of the
// reference's hash maps, its sharing of values by allocation rather than
// content, and the objects its stores keep that no state reaches.
const (
	diffOrder    = "order or sharing"
	diffPrunedBy = "not kept by core/avm (pruned)"
)

func allowedDifference(d string) bool {
	return strings.HasSuffix(d, diffOrder) || strings.HasSuffix(d, diffPrunedBy)
}

// dataDifferences decodes both datas and lists how they differ, field by
// field: "trace", "lcid", "signatures", or a store with what differs.
func dataDifferences(ours, theirs []byte) ([]string, error) {
	a, err := data.Decode(ours)
	if err != nil {
		return nil, fmt.Errorf("core/avm's data: %v", err)
	}
	b, err := data.Decode(theirs)
	if err != nil {
		return nil, fmt.Errorf("avm.wasm's data does not decode: %v", err)
	}
	var diffs []string
	same := func(x, y any) bool {
		jx, _ := json.Marshal(x)
		jy, _ := json.Marshal(y)
		return bytes.Equal(jx, jy)
	}
	traceText := func(d *data.Data) string {
		parts := make([]string, len(d.Trace))
		for i, s := range d.Trace {
			parts[i] = s.String()
		}
		return strings.Join(parts, " ")
	}
	if ta, tb := traceText(a), traceText(b); ta != tb {
		diffs = append(diffs, fmt.Sprintf("trace: %s, avm.wasm's %s", ta, tb))
	}
	if a.LastCallID != b.LastCallID {
		diffs = append(diffs, fmt.Sprintf("lcid: %d, avm.wasm's %d", a.LastCallID, b.LastCallID))
	}
	if !same(a.Signatures, b.Signatures) {
		diffs = append(diffs, fmt.Sprintf("signatures: %d peers, avm.wasm's %d", len(a.Signatures), len(b.Signatures)))
	}
	diffs = append(diffs, storeDifferences("value_store", a.Stores.Values, b.Stores.Values)...)
	diffs = append(diffs, storeDifferences("tetraplet_store", a.Stores.Tetraplets, b.Stores.Tetraplets)...)
	diffs = append(diffs, storeDifferences("service_result_store", a.Stores.ServiceResults, b.Stores.ServiceResults)...)
	diffs = append(diffs, storeDifferences("canon_element_store", a.Stores.CanonElements, b.Stores.CanonElements)...)
	diffs = append(diffs, storeDifferences("canon_result_store", a.Stores.CanonResults, b.Stores.CanonResults)...)
	if len(diffs) == 0 {
		diffs = append(diffs, "bytes: "+diffOrder)
	}
	return diffs, nil
}

func storeDifferences[V any](name string, ours, theirs map[data.CID]V) []string {
	var diffs []string
	for c, v := range ours {
		w, ok := theirs[c]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("%s: %s only in core/avm's", name, c))
			continue
		}
		jv, _ := json.Marshal(v)
		jw, _ := json.Marshal(w)
		if !bytes.Equal(jv, jw) {
			diffs = append(diffs, fmt.Sprintf("%s: %s holds %s, avm.wasm's %s", name, c, jv, jw))
		}
	}
	for c := range theirs {
		if _, ok := ours[c]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: %s", name, diffPrunedBy))
		}
	}
	return diffs
}

// TestSameInputsSameData runs both interpreters on the same inputs at
// every run of every script: what a host sees must agree, and the data
// must be the same data. The test reports how many runs gave the very
// same bytes and, for the others, each difference by field; only the
// differences the format allows pass.
func TestSameInputsSameData(t *testing.T) {
	in := interpreter(t)
	scripts := allScripts(t)
	total := sameInputs{differences: map[string]int{}}
	for _, name := range slices.Sorted(maps.Keys(scripts)) {
		if !mixable(name) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			stats := sameInputs{differences: map[string]int{}}
			newNetwork().travel(t, always(lockstep(in, &stats)), scripts[name])
			total.runs += stats.runs
			total.identical += stats.identical
			for d, k := range stats.differences {
				total.differences[d] += k
			}
		})
	}
	t.Logf("%d runs on the same inputs, %d (%.0f%%) with byte-identical data", total.runs, total.identical,
		100*float64(total.identical)/float64(max(total.runs, 1)))
	for _, d := range slices.Sorted(maps.Keys(total.differences)) {
		t.Logf("  %4d runs: %s", total.differences[d], d)
	}
}
