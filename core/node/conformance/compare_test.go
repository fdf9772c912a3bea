package conformance

import (
	"encoding/json"
	"testing"
)

func TestCompare(t *testing.T) {
	ok := func(s string) Outcome { return Outcome{OK: json.RawMessage(s)} }
	failed := func(details string) Outcome { return Outcome{Error: "e", Details: json.RawMessage(details)} }
	tests := []struct {
		name      string
		c         Case
		want, got Outcome
		diffs     int
	}{
		{"same value", Case{}, ok(`{"a":[1,"x"]}`), ok(`{"a":[1,"x"]}`), 0},
		{"numbers by value", Case{}, ok(`[7, 9007199254740993]`), ok(`[7.0, 9007199254740992]`), 0},
		{"another value", Case{}, ok(`{"a":[1,"x"]}`), ok(`{"a":[1,"y"]}`), 1},
		{"a missing field", Case{}, ok(`{"a":1,"b":2}`), ok(`{"a":1}`), 1},
		{"order of a multiset", Case{Multiset: []string{"0"}}, ok(`[[1,2,3],"x"]`), ok(`[[3,1,2],"x"]`), 0},
		{"order elsewhere", Case{Multiset: []string{"0"}}, ok(`[[1],[1,2]]`), ok(`[[1],[2,1]]`), 2},
		{"an ignored value of its kind", Case{Ignore: map[string]string{"*.t": "clock"}}, ok(`[{"t":1}]`), ok(`[{"t":2}]`), 0},
		{"an ignored value of another kind", Case{Ignore: map[string]string{"*.t": "clock"}}, ok(`[{"t":1}]`), ok(`[{"t":"1"}]`), 1},
		{"a result against an error", Case{}, ok(`1`), failed(`{"error_code":1}`), 1},
		{"expiry against expiry", Case{}, Outcome{Type: "ExpirationError", Error: "a"}, Outcome{Type: "ExpirationError", Error: "b"}, 0},
		{"expiry against a result", Case{}, Outcome{Type: "ExpirationError"}, ok(`1`), 1},
		{"the same error", Case{},
			failed(`{"error_code":10000,"peer_id":"$PEER1","message":"m","instruction":"i"}`),
			failed(`{"error_code":10000,"peer_id":"$PEER1","message":"m","instruction":"i"}`), 0},
		{"another code and peer", Case{},
			failed(`{"error_code":10000,"peer_id":"$PEER1","message":"m","instruction":"i"}`),
			failed(`{"error_code":10001,"peer_id":"$PEER2","message":"m","instruction":"i"}`), 2},
		{"a message not compared", Case{IgnoreMessage: "worded by the client"},
			failed(`{"error_code":1,"message":"theirs"}`), failed(`{"error_code":1,"message":"ours"}`), 0},
		{"a message compared", Case{},
			failed(`{"error_code":1,"message":"theirs"}`), failed(`{"error_code":1,"message":"ours"}`), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Compare(tt.c, tt.want, tt.got); len(got) != tt.diffs {
				t.Errorf("Compare found %d differences, want %d: %q", len(got), tt.diffs, got)
			}
		})
	}
}

func TestJSNumbers(t *testing.T) {
	v := jsNumbers([]any{json.Number("3.0"), json.Number("3.5"), json.Number("1e3"), map[string]any{"n": json.Number("2.00")}})
	got, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := `[3,3.5,1000,{"n":2}]`; string(got) != want {
		t.Errorf("jsNumbers = %s, want %s", got, want)
	}
}
