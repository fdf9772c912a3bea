package avmwasm_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
)

// core/air/testdata/ladder.air is aqua/ladder.aqua there compiled by the reference
// compiler: a program on one peer whose result depends on the order in
// which the results of its calls are applied. A host that applies them in
// the order of their call ids, all at once or one at a time, gets
// [0,1,2,3]; other orders give other streams.

// schedule picks, from the results that are ready (sorted by call id),
// those the next run takes.
type schedule func(ready []uint32, rng *rand.Rand) []uint32

var schedules = map[string]schedule{
	"all at once":         func(ready []uint32, _ *rand.Rand) []uint32 { return ready },
	"one at a time":       func(ready []uint32, _ *rand.Rand) []uint32 { return ready[:1] },
	"last first":          func(ready []uint32, _ *rand.Rand) []uint32 { return ready[len(ready)-1:] },
	"random subsets (10)": nil, // ten seeded runs of random subsets
}

func randomSubset(ready []uint32, rng *rand.Rand) []uint32 {
	var take []uint32
	for _, id := range ready {
		if rng.IntN(2) == 0 {
			take = append(take, id)
		}
	}
	if len(take) == 0 {
		take = ready[:1]
	}
	return take
}

// ladderService answers the ladder's calls.
func ladderService(req request) avm.CallResult {
	num := func(i int) float64 {
		var x float64
		_ = json.Unmarshal(req.args[i], &x)
		return x
	}
	switch req.service + "." + req.function {
	case "getDataSrv.start":
		return avm.CallResult{Result: `0`}
	case "getDataSrv.top":
		return avm.CallResult{Result: `3`}
	case "cmp.lt":
		return avm.CallResult{Result: fmt.Sprint(num(0) < num(1))}
	case "math.add":
		return avm.CallResult{Result: fmt.Sprint(num(0) + num(1))}
	case "math.mul":
		return avm.CallResult{Result: fmt.Sprint(num(0) * num(1))}
	}
	return avm.CallResult{Result: `null`}
}

// runSchedule runs the ladder on one peer, applying results as sched
// says, and returns what the program responded.
func runSchedule(t *testing.T, interp stepper, script string, sched schedule, rng *rand.Rand) string {
	a := newPeer("a")
	ready := map[uint32]avm.CallResult{}
	var response string
	out := interp(t, a, a, script, nil, nil, nil)
	for range maxRuns * 10 {
		for id, r := range out.requests {
			if r.service == "callbackSrv" && r.function == "response" && len(r.args) > 0 {
				response = string(r.args[0])
			}
			ready[id] = ladderService(r)
		}
		if len(ready) == 0 {
			return response
		}
		take := map[uint32]avm.CallResult{}
		for _, id := range sched(slices.Sorted(maps.Keys(ready)), rng) {
			take[id] = ready[id]
			delete(ready, id)
		}
		prev := out.data
		out = interp(t, a, a, script, prev, nil, take)
		if out.retCode != 0 {
			t.Fatalf("ret code %d: %s", out.retCode, out.message)
		}
	}
	t.Fatal("the program still asks for calls")
	return ""
}

// TestResultSchedules applies the results of the ladder's calls in
// several orders: both interpreters must give the same outcome for the
// same order, and the orders of the call ids give the one the reference
// network gives.
func TestResultSchedules(t *testing.T) {
	in := interpreter(t)
	b, err := os.ReadFile(filepath.Join("..", "..", "core", "air", "testdata", "ladder.air"))
	if err != nil {
		t.Fatal(err)
	}
	script := string(b)
	for _, name := range slices.Sorted(maps.Keys(schedules)) {
		t.Run(name, func(t *testing.T) {
			runs, sched := 1, schedules[name]
			if sched == nil {
				runs, sched = 10, randomSubset
			}
			for i := range runs {
				got := runSchedule(t, native, script, sched, rand.New(rand.NewPCG(uint64(i), 1)))
				want := runSchedule(t, reference(in), script, sched, rand.New(rand.NewPCG(uint64(i), 1)))
				if got != want {
					t.Errorf("run %d: core/avm responds %s, avm.wasm %s", i, got, want)
				}
				if (name == "all at once" || name == "one at a time") && got != "[0,1,2,3]" {
					t.Errorf("results in the order of their ids: %s, want [0,1,2,3]", got)
				}
			}
		})
	}
}
