// Package avmwasm runs the reference AIR interpreter, avm.wasm from the
// npm package @fluencelabs/avm, on this repository's Marine runtime, as an
// interpreter with the same shape as the native one in core/avm: a run
// takes the script, the previous and current data and the results of the
// calls the last run asked for, and hands back new data, the peers to send
// the particle to and the calls to run.
//
// It exists to compare: the native interpreter is checked against it, and
// benchmarked against it. It keeps its own types rather than importing
// core/avm, so that the two stay independent and a test can hold one
// against the other.
//
// avm.wasm speaks its own encodings at the boundary (§3 of the AquaVM
// notes): run parameters and the outcome are interface-types records, and
// call results going in and call requests coming out are MessagePack
// behind the multicodec prefix 0x0201. This package encodes and decodes
// them so that callers deal in JSON values only. Particle data is in the
// reference's format (MessagePack around rkyv), which core/avm reads and
// writes too, so a particle's hops may alternate between the two;
// HumanReadable turns it into JSON text.
package avmwasm

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/it"
	"github.com/aquarium-p2p/aquarium/marine/ivalue"
)

// Params describe the particle and the peer running it, as in core/avm.
type Params struct {
	// InitPeerID is the peer that started the particle: %init_peer_id%.
	InitPeerID string
	// CurrentPeerID is the peer running the script; it must be the peer
	// id of Key.
	CurrentPeerID string
	// Timestamp is the particle's creation time in milliseconds.
	Timestamp uint64
	// TTL is the particle's time to live in milliseconds.
	TTL uint32
	// ParticleID salts the signatures of this peer's results.
	ParticleID string
	// Key is the current peer's Ed25519 key. avm.wasm receives its
	// 32-byte seed.
	Key ed25519.PrivateKey
}

// Tetraplet says where a value came from.
type Tetraplet struct {
	PeerPK       string `json:"peer_pk" msgpack:"peer_pk"`
	ServiceID    string `json:"service_id" msgpack:"service_id"`
	FunctionName string `json:"function_name" msgpack:"function_name"`
	Lens         string `json:"lens" msgpack:"lens"`
}

// CallRequest asks the host to run a service function on this peer.
type CallRequest struct {
	ServiceID    string
	FunctionName string
	// Arguments are the call's arguments, each a JSON text.
	Arguments []json.RawMessage
	// Tetraplets hold, for each argument, where its values came from.
	Tetraplets [][]Tetraplet
}

// CallResult is the host's answer to a call request.
type CallResult struct {
	// RetCode is 0 on success.
	RetCode int32
	// Result is the JSON text of the result on success, the error
	// message otherwise.
	Result string
}

// Outcome is the result of one run.
type Outcome struct {
	// Data is the particle's new data for this peer, in the reference
	// format.
	Data []byte
	// NextPeers are the peers to send the particle to.
	NextPeers []string
	// CallRequests are the calls the host should run, by request id.
	CallRequests map[uint32]CallRequest
	// RetCode is 0 on success, else the interpreter's error code.
	RetCode int64
	// ErrorMessage explains a non-zero RetCode.
	ErrorMessage string
}

// sizeLimit is what the reference JS client passes for the air, particle
// and call result size limits: 4 GiB, that is no limit in practice.
const sizeLimit = math.MaxUint32 + 1

// Interpreter is avm.wasm loaded as a Marine service. Runs are
// serialised by the service; an Interpreter is safe for concurrent use.
type Interpreter struct {
	svc *marine.Service
}

// The functions of avm.wasm this package calls, with the signatures it
// relies on, and the fields of the records it builds and reads, in order.
var (
	wantSignatures = []string{
		"invoke(air: string, prev_data: []u8, data: []u8, params: RunParameters, call_results: []u8) -> InterpreterOutcome",
		"to_human_readable_data(data: []u8) -> string",
	}
	runParametersFields = []it.Field{
		{Name: "init_peer_id", Type: it.TypeString},
		{Name: "current_peer_id", Type: it.TypeString},
		{Name: "timestamp", Type: it.TypeU64},
		{Name: "ttl", Type: it.TypeU32},
		{Name: "key_format", Type: it.TypeU8},
		{Name: "secret_key_bytes", Type: it.TypeByteArray},
		{Name: "particle_id", Type: it.TypeString},
		{Name: "air_size_limit", Type: it.TypeU64},
		{Name: "particle_size_limit", Type: it.TypeU64},
		{Name: "call_result_size_limit", Type: it.TypeU64},
		{Name: "hard_limit_enabled", Type: it.TypeBool},
	}
	outcomeFields = []it.Field{
		{Name: "ret_code", Type: it.TypeS64},
		{Name: "error_message", Type: it.TypeString},
		{Name: "data", Type: it.TypeByteArray},
		{Name: "next_peer_pks", Type: it.ArrayOf(it.TypeString)},
		{Name: "call_requests", Type: it.TypeByteArray},
		{Name: "air_size_limit_exceeded", Type: it.TypeBool},
		{Name: "particle_size_limit_exceeded", Type: it.TypeBool},
		{Name: "call_result_size_limit_exceeded", Type: it.TypeBool},
	}
)

// Load loads the avm.wasm at path on rt and checks that it has the
// interface this package speaks.
func Load(ctx context.Context, rt *marine.Runtime, path string) (*Interpreter, error) {
	svc, err := rt.LoadModule(ctx, path, marine.ServiceOptions{ID: "avm"})
	if err != nil {
		return nil, err
	}
	if err := checkInterface(svc.Interface()); err != nil {
		_ = svc.Close(ctx)
		return nil, fmt.Errorf("%s is not an AquaVM module this package can drive: %w", path, err)
	}
	return &Interpreter{svc: svc}, nil
}

func checkInterface(iface marine.Interface) error {
	for _, want := range wantSignatures {
		name, _, _ := strings.Cut(want, "(")
		f, ok := iface.Function(name)
		if !ok {
			return fmt.Errorf("no function %s (want %s)", name, want)
		}
		if got := iface.Signature(f); got != want {
			return fmt.Errorf("function %s is %s, want %s", name, got, want)
		}
	}
	for _, rec := range []struct {
		name   string
		fields []it.Field
	}{{"RunParameters", runParametersFields}, {"InterpreterOutcome", outcomeFields}} {
		i := slices.IndexFunc(iface.Records, func(r *it.RecordType) bool { return r.Name == rec.name })
		if i < 0 {
			return fmt.Errorf("no record %s", rec.name)
		}
		got := iface.Records[i].Fields
		same := slices.EqualFunc(got, rec.fields, func(a, b it.Field) bool { return a.Name == b.Name && a.Type.Equal(b.Type) })
		if !same {
			return fmt.Errorf("record %s has fields %s, want %s", rec.name, fieldList(iface, got), fieldList(iface, rec.fields))
		}
	}
	return nil
}

func fieldList(iface marine.Interface, fields []it.Field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name + ": " + iface.TypeName(f.Type)
	}
	return "(" + strings.Join(names, ", ") + ")"
}

// Close unloads the interpreter.
func (in *Interpreter) Close(ctx context.Context) error {
	return in.svc.Close(ctx)
}

// MemoryUsed is the linear memory avm.wasm holds, in bytes.
func (in *Interpreter) MemoryUsed() uint64 { return in.svc.MemoryUsed() }

// Run interprets script on the current peer, as avm.wasm's invoke does.
// An error of the script is reported in the outcome's RetCode; an error
// is returned only when the module could not run or answered in a form
// this package does not understand.
func (in *Interpreter) Run(ctx context.Context, p Params, script string, prev, current []byte, results map[uint32]CallResult) (Outcome, error) {
	if len(p.Key) != ed25519.PrivateKeySize {
		return Outcome{}, fmt.Errorf("run parameters: an Ed25519 private key has %d bytes, got %d", ed25519.PrivateKeySize, len(p.Key))
	}
	encoded, err := EncodeCallResults(results)
	if err != nil {
		return Outcome{}, err
	}
	params := ivalue.Record{
		ivalue.String(p.InitPeerID),
		ivalue.String(p.CurrentPeerID),
		ivalue.U64(p.Timestamp),
		ivalue.U32(p.TTL),
		ivalue.U8(0), // Ed25519
		ivalue.ByteArray(p.Key.Seed()),
		ivalue.String(p.ParticleID),
		ivalue.U64(sizeLimit),
		ivalue.U64(sizeLimit),
		ivalue.U64(sizeLimit),
		ivalue.Bool(false),
	}
	args := []ivalue.Value{ivalue.String(script), ivalue.ByteArray(prev), ivalue.ByteArray(current), params, ivalue.ByteArray(encoded)}
	out, err := in.svc.CallValues(ctx, "invoke", args, marine.CallParameters{})
	if err != nil {
		return Outcome{}, fmt.Errorf("avm.wasm invoke: %w", err)
	}
	return decodeOutcome(out)
}

func decodeOutcome(out []ivalue.Value) (Outcome, error) {
	if len(out) != 1 {
		return Outcome{}, fmt.Errorf("avm.wasm invoke returned %d values, want one InterpreterOutcome", len(out))
	}
	rec, ok := out[0].(ivalue.Record)
	if !ok || len(rec) != len(outcomeFields) {
		return Outcome{}, errors.New("avm.wasm invoke did not return an InterpreterOutcome record")
	}
	// The interface was checked at Load and the runtime checks values
	// against it, so the fields have their declared types.
	o := Outcome{
		RetCode:      int64(rec[0].(ivalue.S64)),
		ErrorMessage: string(rec[1].(ivalue.String)),
		Data:         []byte(rec[2].(ivalue.ByteArray)),
	}
	for _, p := range rec[3].(ivalue.Array) {
		o.NextPeers = append(o.NextPeers, string(p.(ivalue.String)))
	}
	reqs, err := DecodeCallRequests(rec[4].(ivalue.ByteArray))
	if err != nil {
		return Outcome{}, fmt.Errorf("avm.wasm invoke: %w", err)
	}
	o.CallRequests = reqs
	return o, nil
}

// HumanReadable renders particle data produced by avm.wasm as JSON text,
// with avm.wasm's to_human_readable_data: the trace, the stores and the
// versions, for reading and diffing.
func (in *Interpreter) HumanReadable(ctx context.Context, data []byte) (string, error) {
	out, err := in.svc.CallValues(ctx, "to_human_readable_data", []ivalue.Value{ivalue.ByteArray(data)}, marine.CallParameters{})
	if err != nil {
		return "", fmt.Errorf("avm.wasm to_human_readable_data: %w", err)
	}
	if len(out) != 1 {
		return "", fmt.Errorf("avm.wasm to_human_readable_data returned %d values, want one string", len(out))
	}
	s, ok := out[0].(ivalue.String)
	if !ok {
		return "", errors.New("avm.wasm to_human_readable_data did not return a string")
	}
	return string(s), nil
}
