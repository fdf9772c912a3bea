package avm_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/avm/avmtest"
)

// TestStops checks that a run names the instructions it stopped at, by
// their text in the script.
func TestStops(t *testing.T) {
	n := avmtest.NewNetwork(t, "a", map[string]avmtest.Service{"a": avmtest.Echo, "b": avmtest.Echo})
	a, b := n.Peer("a"), n.Peer("b")
	tests := []struct {
		name   string
		script string
		want   []string // kind: instruction text
	}{
		{name: "nothing to do", script: `(null)`},
		{name: "local call", script: `(call %init_peer_id% ("s" "f") ["x"] r)`,
			want: []string{`call 1: (call %init_peer_id% ("s" "f") ["x"] r)`}},
		{name: "two local calls in par", script: `(par (call %init_peer_id% ("s" "f") []) (call %init_peer_id% ("s" "g") []))`,
			want: []string{`call 1: (call %init_peer_id% ("s" "f") [])`, `call 2: (call %init_peer_id% ("s" "g") [])`}},
		{name: "call on another peer", script: fmt.Sprintf(`(seq (null) (call "%s" ("s" "f") []))`, b.ID),
			want: []string{fmt.Sprintf(`send b: (call "%s" ("s" "f") [])`, b.ID)}},
		{name: "canon on another peer", script: fmt.Sprintf(`(new $s (canon "%s" $s #c))`, b.ID),
			want: []string{fmt.Sprintf(`send b: (canon "%s" $s #c)`, b.ID)}},
		{name: "uncaught fail", script: `(seq (null) (fail 7 "boom"))`,
			want: []string{`error: (fail 7 "boom")`}},
		{name: "fail passed through a seq", script: `(par (seq (fail 7 "boom") (null)) (fail 8 "bang"))`,
			want: []string{`error: (fail 8 "bang")`}},
		{name: "caught fail", script: `(xor (fail 7 "boom") (null))`},
		{name: "uncatchable error", script: `(seq (ap 1 x) (seq (null) (ap 2 x)))`,
			want: []string{`error: (ap 2 x)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := avm.Run(n.Params(a), tt.script, nil, nil, nil)
			var got []string
			for _, s := range out.Stops {
				text := tt.script[s.Span.Start:s.Span.End]
				switch s.Kind {
				case avm.StopCall:
					got = append(got, fmt.Sprintf("call %d: %s", s.CallID, text))
				case avm.StopSend:
					name := "?"
					if s.Peer == n.ID("b") {
						name = "b"
					}
					got = append(got, fmt.Sprintf("send %s: %s", name, text))
				default:
					got = append(got, fmt.Sprintf("%s: %s", s.Kind, text))
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("stops:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
