// Package session is what a front end needs of an Aqua network, local or
// remote: run a compiled function from a client peer and get its result,
// and follow the particle's events.
//
// A compiled Aqua function expects its caller to provide a few services on
// the client, scoped to its particle: getDataSrv answers the relay and the
// arguments, callbackSrv.response takes the result, errorHandlingSrv.error
// takes an error, and callbackSrv.<name> implements arrow arguments. A
// Client provides them, starts the particle and waits.
package session

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// Call is a compiled function to run.
type Call struct {
	// Script is the function's AIR.
	Script string
	// Args are the function's arguments by name, as JSON values.
	Args map[string]json.RawMessage
	// Results is how many values the function returns: the length of
	// its arrow type's results, as the compiler gives it. A function
	// without results is done when its script completes on the client;
	// one with results, when callbackSrv.response takes them.
	Results int
	// Relay is the node the client reaches the network through.
	Relay peer.ID
	// TTL bounds the particle's life; default 15 s.
	TTL time.Duration
	// Callbacks implement the function's arrow arguments, by name.
	Callbacks map[string]builtin.Func
	// ParticleID names the particle; default a random UUID.
	ParticleID string
}

// Result is what a function returned.
type Result struct {
	ParticleID string
	// Values are the function's results, in order (none for a function
	// without results).
	Values []json.RawMessage
}

// Error is a function that failed: the error its script reported to the
// caller.
type Error struct {
	ParticleID  string
	Code        int64  `json:"error_code"`
	Message     string `json:"message"`
	Instruction string `json:"instruction"`
	PeerID      string `json:"peer_id"`
}

func (e *Error) Error() string {
	s := fmt.Sprintf("particle %s failed", e.ParticleID)
	if e.PeerID != "" {
		s += " at " + e.PeerID
	}
	if e.Instruction != "" {
		s += " in (" + e.Instruction + ")"
	}
	return fmt.Sprintf("%s: error %d: %s", s, e.Code, e.Message)
}

// ErrTimeout is the error of a particle that neither answered nor failed
// within its TTL.
var ErrTimeout = errors.New("timed out")

// lastSeen returns the particle's newest event in the log since from.
func lastSeen(events *trace.Log, from uint64, particleID string) *trace.Event {
	var last *trace.Event
	for {
		evs, _ := events.Since(from, 4096)
		if len(evs) == 0 {
			return last
		}
		for i := range evs {
			if evs[i].Particle == particleID {
				last = &evs[i]
			}
		}
		from = evs[len(evs)-1].Seq + 1
	}
}

type outcome struct {
	res *Result
	err error
}

// scopedServices are the services the compiled function expects on the
// client.
func scopedServices(call Call, particleID string, finish func(outcome)) map[string]builtin.Service {
	data := builtin.Service{
		"-relay-": func(context.Context, *builtin.Call) (any, error) { return string(call.Relay), nil },
	}
	for name, v := range call.Args {
		data[name] = func(context.Context, *builtin.Call) (any, error) { return v, nil }
	}
	callbacks := builtin.Service{
		"response": func(_ context.Context, c *builtin.Call) (any, error) {
			res := &Result{ParticleID: particleID}
			for _, a := range c.Args {
				res.Values = append(res.Values, json.RawMessage(builtin.Stringify(a)))
			}
			finish(outcome{res: res})
			return nil, nil
		},
	}
	for name, f := range call.Callbacks {
		callbacks[name] = f
	}
	return map[string]builtin.Service{
		"getDataSrv":  data,
		"callbackSrv": callbacks,
		"errorHandlingSrv": {
			"error": func(_ context.Context, c *builtin.Call) (any, error) {
				e := &Error{ParticleID: particleID}
				if len(c.Args) > 0 {
					raw := builtin.Stringify(c.Args[0])
					if err := json.Unmarshal([]byte(raw), e); err != nil || e.Code == 0 {
						e.Message = raw
					}
				}
				finish(outcome{err: e})
				return nil, nil
			},
		},
	}
}

// timeoutError says where the particle was last seen.
func timeoutError(p *particle.Particle, ttl time.Duration, last *trace.Event) error {
	if last == nil {
		return fmt.Errorf("particle %s %w after %v: no peer reported it", p.ID, ErrTimeout, ttl)
	}
	return fmt.Errorf("particle %s %w after %v; last seen: %s", p.ID, ErrTimeout, ttl, last)
}

// NewParticleID returns a random version 4 UUID, the form reference
// particle ids take.
func NewParticleID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
