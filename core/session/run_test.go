package session

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/node"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// loopback delivers every particle to the client itself: the scripts here
// run on the client only.
type loopback struct{ n **node.Node }

func (l loopback) Send(_ context.Context, to peer.ID, p *particle.Particle) error {
	(*l.n).Deliver(to, p)
	return nil
}

func client(t *testing.T) *node.Node {
	t.Helper()
	key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{42}, 32))
	var n *node.Node
	n, err := node.New(node.Config{Key: key, Transport: loopback{&n}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { n.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return n
}

func TestRunResultErrorAndVoid(t *testing.T) {
	n := client(t)
	ctx := context.Background()
	tests := []struct {
		name, script string
		args         map[string]json.RawMessage
		callbacks    map[string]builtin.Func
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
			want: `["hi!",7]`,
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(ctx, n, Call{Script: tt.script, Args: tt.args, Callbacks: tt.callbacks, TTL: 10 * time.Second})
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
	_, err := Run(context.Background(), n, Call{Script: "(never)\n", TTL: 300 * time.Millisecond})
	if !errors.Is(err, ErrTimeout) || !bytes.Contains([]byte(err.Error()), []byte("last seen")) {
		t.Errorf("err = %v", err)
	}
}
