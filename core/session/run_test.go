package session

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/memnet"
	"github.com/aquarium-p2p/aquarium/core/node"
)

// clock is when the test client's particles start.
var clock = time.UnixMilli(1_700_000_000_000)

// client is a client alone on a network: the scripts here run on the
// client only.
func client(t *testing.T) *Client {
	t.Helper()
	net, self := memnet.New(), memnet.NewPeer("client")
	c, err := NewClient(ClientConfig{Node: node.Config{Key: self.Key, Transport: net.Transport(self.ID), Now: func() time.Time { return clock }}})
	if err != nil {
		t.Fatal(err)
	}
	net.Add(self.ID, c)
	t.Cleanup(func() { c.Close(); net.Close() })
	return c
}

func TestRunResultErrorAndVoid(t *testing.T) {
	n := client(t)
	ctx := context.Background()
	tests := []struct {
		name, script string
		args         map[string]json.RawMessage
		callbacks    map[string]builtin.Func
		results      int
		want         string
		wantErr      string
	}{
		{
			name: "result from an argument and a callback",
			script: `(seq
 (seq
  (call %init_peer_id% ("getDataSrv" "x") [] x)
  (call %init_peer_id% ("callbackSrv" "shout") [x] y)
 )
 (call %init_peer_id% ("callbackSrv" "response") [y 7])
)
`,
			args: map[string]json.RawMessage{"x": json.RawMessage(`"hi"`)},
			callbacks: map[string]builtin.Func{"shout": func(_ context.Context, c *builtin.Call) (any, error) {
				return c.Args[0].(string) + "!", nil
			}},
			results: 2,
			want:    `["hi!",7]`,
		},
		{
			name: "error reported by the script",
			script: `(xor
 (match 1 2 (null))
 (call %init_peer_id% ("errorHandlingSrv" "error") [:error: 0])
)
`,
			wantErr: `error 10001: compared values do not match`,
		},
		{
			name:   "void function",
			script: "(call %init_peer_id% (\"op\" \"noop\") [])\n",
			want:   `null`,
		},
		{
			name:   "void function that responds, as with codegen.Options.EmptyResponse",
			script: "(call %init_peer_id% (\"callbackSrv\" \"response\") [])\n",
			want:   `null`,
		},
		{
			name: "timestamp from the client's clock",
			script: `(seq
 (call %init_peer_id% ("callbackSrv" "when") [] t)
 (call %init_peer_id% ("callbackSrv" "response") [t])
)
`,
			callbacks: map[string]builtin.Func{"when": func(_ context.Context, c *builtin.Call) (any, error) {
				return c.Particle.Timestamp, nil
			}},
			results: 1,
			want:    `[1700000000000]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := n.Run(ctx, Call{Script: tt.script, Args: tt.args, Callbacks: tt.callbacks, Results: tt.results, TTL: 10 * time.Second})
			if tt.wantErr != "" {
				var e *Error
				if !errors.As(err, &e) || !bytes.Contains([]byte(err.Error()), []byte(tt.wantErr)) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(res.Values)
			if string(got) != tt.want {
				t.Errorf("values %s, want %s", got, tt.want)
			}
		})
	}
}

func TestTimeoutSaysWhereItWasLastSeen(t *testing.T) {
	n := client(t)
	_, err := n.Run(context.Background(), Call{Script: "(never)\n", TTL: 300 * time.Millisecond})
	if !errors.Is(err, ErrTimeout) || !bytes.Contains([]byte(err.Error()), []byte("last seen")) {
		t.Errorf("err = %v", err)
	}
}

// Closing a client ends the runs in flight.
func TestCloseEndsRuns(t *testing.T) {
	n := client(t)
	sub := n.Events().Subscribe()
	defer sub.Close()
	errs := make(chan error, 1)
	go func() {
		_, err := n.Run(context.Background(), Call{Script: "(never)\n", TTL: time.Hour})
		errs <- err
	}()
	// The run has started once its particle is on the client's log.
	for n.Events().Last() == 0 {
		<-sub.C()
	}
	n.Close()
	select {
	case err := <-errs:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("err = %v, want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run still waits after Close")
	}
}

// A function with results is not done when its script completes without
// giving them: it waits for callbackSrv.response, and times out.
func TestResultsAwaitTheResponse(t *testing.T) {
	n := client(t)
	_, err := n.Run(context.Background(), Call{Script: "(call %init_peer_id% (\"op\" \"noop\") [])\n", Results: 1, TTL: 300 * time.Millisecond})
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("err = %v, want a timeout", err)
	}
}
