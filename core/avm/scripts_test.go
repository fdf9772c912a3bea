package avm

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/peer"
)

// testKey is a fixed key and its peer id.
func testKey(t *testing.T) (ed25519.PrivateKey, string) {
	t.Helper()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, ed25519.SeedSize))
	return key, string(peer.IDFromPublicKey(peer.Ed25519PublicKey(key.Public().(ed25519.PublicKey))))
}

func TestScriptsKeepsTreesWithinBudget(t *testing.T) {
	s := NewScripts(400)
	script := func(i int) string { return fmt.Sprintf(`(call %%init_peer_id%% ("svc" "fn%03d") [] x)`, i) } // 44 bytes
	a, err := s.parse(script(0))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := s.parse(script(0)); b != a {
		t.Error("the same script parsed twice: a new tree the second time")
	}
	for i := 1; i < 20; i++ {
		if _, err := s.parse(script(i)); err != nil {
			t.Fatal(err)
		}
		if s.bytes > 400 || len(s.trees) != len(s.order) {
			t.Fatalf("after %d scripts: %d bytes kept, %d trees, %d in order", i+1, s.bytes, len(s.trees), len(s.order))
		}
	}
	if _, ok := s.trees[script(0)]; ok {
		t.Error("the first script is still kept after 19 others filled the budget")
	}
	if _, ok := s.trees[script(19)]; !ok {
		t.Error("the last script is not kept")
	}
	big := `(call %init_peer_id% ("svc" "fn") ["` + strings.Repeat("x", 100) + `"] x)`
	if _, err := s.parse(big); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.trees[big]; ok {
		t.Errorf("a script of %d bytes kept in a budget of 400", len(big))
	}
	if _, err := s.parse(`(seq`); err == nil {
		t.Error("a script that does not parse parsed")
	}
}

// TestScriptsSharedByRuns runs particles at once on one Scripts: the
// trees they share are only read (the race detector checks it).
func TestScriptsSharedByRuns(t *testing.T) {
	key, id := testKey(t)
	s := NewScripts(1 << 20)
	script := `(seq (call %init_peer_id% ("svc" "fn") [1] x) (xor (call %init_peer_id% ("svc" "fn") [x] y) (null)))`
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			p := Params{InitPeerID: id, CurrentPeerID: id, Timestamp: 1337, TTL: 5000, ParticleID: fmt.Sprint("particle-", i),
				Key: key, Scripts: s, Memo: new(Memo)}
			out := Run(p, script, nil, nil, nil)
			for len(out.CallRequests) > 0 && out.RetCode == 0 {
				results := map[uint32]CallResult{}
				for id := range out.CallRequests {
					results[id] = CallResult{Result: "1"}
				}
				out = Run(p, script, out.Data, nil, results)
			}
			if out.RetCode != 0 {
				t.Errorf("particle %d: %d %s", i, out.RetCode, out.ErrorMessage)
			}
		})
	}
	wg.Wait()
	if len(s.trees) != 1 {
		t.Errorf("%d trees kept for one script", len(s.trees))
	}
}
