// Package builtin is the set of services every peer offers without
// deploying anything: op, peer, math, cmp, array, json, debug, sig,
// run-console, and the kad helpers that need no network. Names, arguments
// and results follow the reference node (aqua-lib 0.10.2 declares them),
// so existing Aqua programs run unchanged.
//
// Where the reference node and the reference JavaScript client differ, the
// node wins: integer arithmetic is exact i64 with overflow reported as an
// error (the client uses floats), and math.div truncates toward zero (the
// client floors). One difference is deliberate: op.sha256_string really
// hashes its input with SHA-256, as its name and the client say; the
// reference node, since its PR #1602, wraps the raw bytes in a multihash
// without hashing them.
//
// Services that need the peer's state (its connections, its Marine
// services, its routing table) are given that state through Env; the
// functions here stay pure and deterministic given Env. srv and dist
// manage Marine services through Env.Deployer, which the Marine side
// implements: core knows what the builtins need, not how Wasm runs. The
// functions that change what a peer runs are open only to the host and
// the peers Env.Managers names.
package builtin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// Call is one service call addressed to this peer.
type Call struct {
	Service, Function string
	// Args are the call's arguments, decoded from JSON with numbers kept
	// exact as json.Number.
	Args []any
	// Tetraplets say where each argument came from: for each argument, one
	// tetraplet per element (one for a scalar).
	Tetraplets [][]data.Tetraplet
	Particle   Particle
}

// Particle describes the particle a call belongs to.
type Particle struct {
	ID         string
	InitPeerID peer.ID
	Timestamp  uint64
	TTL        uint32
}

// Func runs one builtin function. A nil result with a nil error is the
// reference's "empty" outcome, which the peer reports as the empty
// string.
type Func func(ctx context.Context, c *Call) (any, error)

// Service is a set of functions under one service id.
type Service map[string]Func

// Env is what builtins know of the peer they run on.
type Env struct {
	// Host is this peer's id; Key its key (for sig).
	Host peer.ID
	Key  peer.PrivateKey
	// Now is the clock.
	Now func() time.Time
	// Console receives run-console.print output, one line per call.
	Console io.Writer
	// Info answers peer.identify.
	Info func() Info
	// Network answers the peer and kad functions about connections; nil
	// makes them fail with a clear error.
	Network Network
	// Deployer runs the srv and dist functions; nil makes them fail with
	// a clear error.
	Deployer Deployer
	// Managers reports which peers besides the host may call the
	// restricted srv and dist functions (create, remove, add_alias,
	// add_module, add_blueprint): the reference's management peer. Nil
	// means the host alone.
	Managers func(peer.ID) bool
}

// Info is the answer of peer.identify.
type Info struct {
	ExternalAddresses []string `json:"external_addresses"`
	NodeVersion       string   `json:"node_version"`
	AirVersion        string   `json:"air_version"`
	SpellVersion      string   `json:"spell_version"`
	AllowedBinaries   []string `json:"allowed_binaries"`
}

// Contact is a known peer and its addresses.
type Contact struct {
	PeerID    string   `json:"peer_id"`
	Addresses []string `json:"addresses"`
}

// Network is the peer's view of its connections.
type Network interface {
	IsConnected(ctx context.Context, id peer.ID) bool
	Connect(ctx context.Context, id peer.ID, addrs []string) bool
	Contact(ctx context.Context, id peer.ID) (Contact, bool)
	// Neighborhood returns up to count peers closest to key in the
	// routing table.
	Neighborhood(ctx context.Context, key []byte, count int) []peer.ID
}

// Set is the builtin services of one peer.
type Set struct {
	services map[string]Service
}

// New returns the builtin services of a node, with env as their view of
// the peer.
func New(env Env) *Set {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Console == nil {
		env.Console = io.Discard
	}
	s := &Set{services: map[string]Service{
		"op":          opService(),
		"math":        mathService(),
		"cmp":         cmpService(),
		"array":       arrayService(),
		"json":        jsonService(),
		"debug":       debugService(),
		"peer":        peerService(env),
		"kad":         kadService(env),
		"sig":         sigService(env),
		"run-console": consoleService(env),
		"dist":        distService(env),
	}}
	s.services["srv"] = srvService(env, s.Has)
	return s
}

// Lookup returns the function service.function, if it is a builtin.
func (s *Set) Lookup(service, function string) (Func, bool) {
	f, ok := s.services[service][function]
	return f, ok
}

// Immediate reports whether service.function is a builtin that answers at
// once, from its arguments and the peer's own state: everything but the
// functions that wait (peer.timeout), ask the network (the peer
// connection functions, kad) or deploy (dist, srv). A node runs these in
// the order of their call ids as soon as the interpreter asks for them.
func (s *Set) Immediate(service, function string) bool {
	if _, ok := s.Lookup(service, function); !ok {
		return false
	}
	switch service {
	case "kad", "dist", "srv":
		return false
	case "peer":
		switch function {
		case "timeout", "is_connected", "connect", "get_contact":
			return false
		}
	}
	return true
}

// Has reports whether service is a builtin service id.
func (s *Set) Has(service string) bool {
	_, ok := s.services[service]
	return ok
}

// Services returns the builtin service ids and their functions.
func (s *Set) Services() map[string][]string {
	out := make(map[string][]string, len(s.services))
	for id, svc := range s.services {
		for fn := range svc {
			out[id] = append(out[id], fn)
		}
	}
	return out
}

// DecodeArgs decodes a JSON array of arguments the way Call.Args expects.
func DecodeArgs(raw []byte) ([]any, error) {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	var args []any
	if err := dec.Decode(&args); err != nil {
		return nil, fmt.Errorf("call arguments are not a JSON array: %w", err)
	}
	return args, nil
}

// ArgError is a call with arguments of the wrong number or type.
type ArgError struct{ Msg string }

func (e *ArgError) Error() string { return e.Msg }

func argErr(format string, a ...any) error { return &ArgError{fmt.Sprintf(format, a...)} }

// IsArgError reports whether err is about the call's arguments.
func IsArgError(err error) bool {
	var ae *ArgError
	return errors.As(err, &ae)
}

// arity checks the number of arguments.
func arity(c *Call, min, max int) error {
	n := len(c.Args)
	switch {
	case min == max && n != min:
		return argErr("%s.%s takes %d argument(s), got %d", c.Service, c.Function, min, n)
	case n < min:
		return argErr("%s.%s takes at least %d argument(s), got %d", c.Service, c.Function, min, n)
	case max >= 0 && n > max:
		return argErr("%s.%s takes at most %d argument(s), got %d", c.Service, c.Function, max, n)
	}
	return nil
}

// argName names argument i in messages: "argument 0 (x) of math.add".
func (c *Call) argName(i int, name string) string {
	return fmt.Sprintf("argument %d (%s) of %s.%s", i, name, c.Service, c.Function)
}

func intArg(c *Call, i int, name string) (int64, error) { return asInt(c.Args[i], c.argName(i, name)) }

func floatArg(c *Call, i int, name string) (float64, error) {
	return asFloat(c.Args[i], c.argName(i, name))
}

func stringArg(c *Call, i int, name string) (string, error) {
	return asString(c.Args[i], c.argName(i, name))
}

func arrayArg(c *Call, i int, name string) ([]any, error) {
	return asArray(c.Args[i], c.argName(i, name))
}

func stringsArg(c *Call, i int, name string) ([]string, error) {
	return asStrings(c.Args[i], c.argName(i, name))
}

func bytesArg(c *Call, i int, name string) ([]byte, error) {
	return asBytes(c.Args[i], c.argName(i, name))
}

func asInt(v any, what string) (int64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, argErr("%s must be an integer, got %s", what, describe(v))
	}
	x, err := n.Int64()
	if err != nil {
		return 0, argErr("%s must be an i64, got %s", what, n)
	}
	return x, nil
}

func asFloat(v any, what string) (float64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, argErr("%s must be a number, got %s", what, describe(v))
	}
	x, err := n.Float64()
	if err != nil {
		return 0, argErr("%s must be a number, got %s", what, n)
	}
	return x, nil
}

func asString(v any, what string) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", argErr("%s must be a string, got %s", what, describe(v))
	}
	return s, nil
}

func asBool(v any, what string) (bool, error) {
	b, ok := v.(bool)
	if !ok {
		return false, argErr("%s must be a bool, got %s", what, describe(v))
	}
	return b, nil
}

func asArray(v any, what string) ([]any, error) {
	a, ok := v.([]any)
	if !ok {
		return nil, argErr("%s must be an array, got %s", what, describe(v))
	}
	return a, nil
}

func asStrings(v any, what string) ([]string, error) {
	a, err := asArray(v, what)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(a))
	for j, e := range a {
		if out[j], err = asString(e, fmt.Sprintf("element %d of %s", j, what)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func asBytes(v any, what string) ([]byte, error) {
	a, err := asArray(v, what)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(a))
	for j, e := range a {
		b, err := asInt(e, fmt.Sprintf("element %d of %s", j, what))
		if err != nil || b < 0 || b > 255 {
			return nil, argErr("%s must be an array of bytes; element %d is %s", what, j, describe(e))
		}
		out[j] = byte(b)
	}
	return out, nil
}

// optional returns whether argument i is present and not an empty option
// ([] or null), and the value inside a one-element option.
func optional(c *Call, i int) (any, bool) {
	if i >= len(c.Args) || c.Args[i] == nil {
		return nil, false
	}
	if a, ok := c.Args[i].([]any); ok {
		if len(a) == 0 {
			return nil, false
		}
		if len(a) == 1 {
			return a[0], true
		}
	}
	return c.Args[i], true
}

// describe names a JSON value's kind for messages.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("string %q", v)
	case json.Number:
		return "number " + v.String()
	case bool:
		return fmt.Sprintf("bool %v", v)
	case []any:
		return fmt.Sprintf("an array of %d", len(v))
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
