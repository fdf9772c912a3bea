package node

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/memnet"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// initiator is a peer that only hears the drops reported to it.
type initiator struct {
	reports chan<- trace.Event
}

func (initiator) Deliver(peer.ID, *particle.Particle) {}

func (i initiator) Reported(_ peer.ID, drop trace.Event) { i.reports <- drop }

// TestUnrunnableParticlesAreDropped: a particle whose data cannot be
// decoded, or whose script does not parse, is a drop with its reason,
// told to the initiator; a parse error does not carry the whole script.
func TestUnrunnableParticlesAreDropped(t *testing.T) {
	longLine := "(seq (null) (null)" + strings.Repeat(" ", 100_000) + "(null)"
	for _, tt := range []struct {
		name, script, data string
		want               string
	}{
		{"undecodable data", "(null)", "garbage", "failed to decode current data"},
		{"envelope around garbage", "(null)", "\x83\xa7version\xa60.17.2\xb3interpreter_version\xa60.62.0\xaainner_data\xc4\x03abc", "failed to decode current data"},
		{"script that does not parse", longLine, "", "can't be parsed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reports := make(chan trace.Event, 1)
			key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{1}, 32))
			initKey, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{2}, 32))
			net := memnet.New()
			defer net.Close()
			events := trace.NewLog(100)
			nd, err := New(Config{Key: key, Transport: net.Transport(peer.IDOf(key)), Events: events})
			if err != nil {
				t.Fatal(err)
			}
			net.Add(peer.IDOf(key), nd)
			// Only the initiator is there to hear a report.
			net.Add(peer.IDOf(initKey), initiator{reports})
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			wg.Go(func() { _ = nd.Run(ctx) })
			defer func() { cancel(); wg.Wait() }()

			p := particle.New("p-"+tt.name, peer.IDOf(initKey), tt.script, time.Now(), time.Minute)
			p.Data = []byte(tt.data)
			if err := p.Sign(initKey); err != nil {
				t.Fatal(err)
			}
			nd.Deliver(peer.IDOf(initKey), p)

			var drop trace.Event
			select {
			case drop = <-reports:
			case <-time.After(10 * time.Second):
				t.Fatal("no drop reported to the initiator")
			}
			if drop.Reason != trace.Malformed || !strings.Contains(drop.Err, tt.want) {
				t.Errorf("reported %s; want a malformed particle, %q", drop, tt.want)
			}
			if len(drop.Err) > 4096 {
				t.Errorf("the drop's error has %d bytes", len(drop.Err))
			}
			evs, _ := events.Since(1, 100)
			var dropped, interpreted int
			for _, e := range evs {
				switch e.Kind {
				case trace.Dropped:
					dropped++
				case trace.Interpreted:
					interpreted++
				}
			}
			if dropped != 1 || interpreted != 0 {
				t.Errorf("%d drops and %d interpretations recorded, want one drop", dropped, interpreted)
			}
		})
	}
}

// TestOwnUnrunnableParticleFailsItsInterpretation: on the peer that
// started it, a particle that cannot run is a failed interpretation, which
// the client turns into its function's error, not a drop.
func TestOwnUnrunnableParticleFailsItsInterpretation(t *testing.T) {
	key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{1}, 32))
	events := trace.NewLog(100)
	// The node is alone on its network.
	nd, err := New(Config{Key: key, Transport: memnet.New().Transport(peer.IDOf(key)), Events: events})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = nd.Run(ctx) })
	defer func() { cancel(); wg.Wait() }()
	sub := events.Subscribe()
	defer sub.Close()

	if err := nd.Initiate(particle.New("own", nd.ID(), "(seq (null)", time.Now(), time.Minute)); err != nil {
		t.Fatal(err)
	}
	for next := uint64(1); ; {
		evs, _ := events.Since(next, 100)
		for _, e := range evs {
			next = e.Seq + 1
			switch e.Kind {
			case trace.Dropped:
				t.Fatalf("dropped: %s", e)
			case trace.Interpreted:
				if e.RetCode != avm.CodeAIRParse {
					t.Errorf("interpreted: %s; want the parse error", e)
				}
				return
			}
		}
		select {
		case <-sub.C():
		case <-time.After(10 * time.Second):
			t.Fatal("no interpretation")
		}
	}
}

func TestUnrunnableCodes(t *testing.T) {
	for code, want := range map[int64]trace.Reason{
		avm.CodeAIRParse: trace.Malformed, avm.CodeDataDecode: trace.Malformed, avm.CodeEnvelopeDecode: trace.Malformed,
		codeDataDeserialization: trace.Malformed, avm.CodeUnsupportedVersion: trace.Malformed,
		avm.CodeStoreVerification: trace.Malformed, avm.CodeSignatureCheck: trace.BadSignature,
	} {
		if got, ok := unrunnable(code); !ok || got != want {
			t.Errorf("unrunnable(%d) = %v, %v; want %v", code, got, ok, want)
		}
	}
	for _, code := range []int64{0, avm.CodeMalformedKeyPair, avm.CodeCallResultsDecode, avm.CodeLocalServiceError, avm.CodeTraceError} {
		if r, ok := unrunnable(code); ok {
			t.Errorf("code %d drops the particle (%v): the script ran, or the fault is this peer's", code, r)
		}
	}
}

func TestBrief(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"short", "short"},
		{"two\nlines\n", "two\nlines"},
		{strings.Repeat("x", 200), strings.Repeat("x", 160) + "…"},
		{strings.Repeat("é", 100), strings.Repeat("é", 80) + "…"},
		{strings.Repeat("l\n", 20), strings.TrimSuffix(strings.Repeat("l\n", 12), "\n") + "\n…"},
	} {
		if got := brief(tt.in); got != tt.want {
			t.Errorf("brief(%.20q…) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
