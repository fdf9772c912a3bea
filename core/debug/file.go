package debug

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// The recording file is JSON, so that people and other tools can read it:
// the particles once, each with its script, then the hops, each naming
// its particle. Interpreter data is base64, as encoding/json writes bytes.
const (
	// FileFormat names the format in every file.
	FileFormat = "aquarium-recording"
	// FileVersion is the version this build writes and reads.
	FileVersion = 1
	// MaxFileSize bounds the files Load reads.
	MaxFileSize = 1 << 30
)

type fileRecording struct {
	Format    string         `json:"format"`
	Version   int            `json:"version"`
	Sources   []Source       `json:"sources,omitempty"`
	Particles []fileParticle `json:"particles"`
	Hops      []fileHop      `json:"hops"`
}

// Source is an Aqua program that the recorded particles were compiled
// from. A recording keeps the AIR that ran either way; with the source, a
// replay can show the program next to it.
type Source struct {
	// Path is the file's name where it was recorded.
	Path string `json:"path"`
	Text string `json:"text"`
}

type fileParticle struct {
	ID        string `json:"id"`
	InitPeer  string `json:"init_peer_id"`
	Timestamp uint64 `json:"timestamp"`
	TTL       uint32 `json:"ttl"`
	Script    string `json:"script"`
}

type fileHop struct {
	Seq      uint64                `json:"seq"`
	Peer     string                `json:"peer_id"`
	Particle int                   `json:"particle"` // index into particles
	Prev     []byte                `json:"prev_data,omitempty"`
	Current  []byte                `json:"current_data"`
	Results  map[uint32]fileResult `json:"call_results,omitempty"`
	LazySign bool                  `json:"lazy_sign,omitempty"`
	Started  time.Time             `json:"started"`
	Duration time.Duration         `json:"duration_ns"`
	Outcome  fileOutcome           `json:"outcome"`
}

type fileResult struct {
	RetCode int32  `json:"ret_code"`
	Result  string `json:"result"`
}

type fileOutcome struct {
	Data         []byte                 `json:"data,omitempty"`
	NextPeers    []string               `json:"next_peers,omitempty"`
	CallRequests map[uint32]fileRequest `json:"call_requests,omitempty"`
	RetCode      int64                  `json:"ret_code"`
	ErrorMessage string                 `json:"error_message,omitempty"`
	Complete     bool                   `json:"complete"`
	Stops        []fileStop             `json:"stops,omitempty"`
}

type fileRequest struct {
	Service    string             `json:"service_id"`
	Function   string             `json:"function_name"`
	Arguments  []json.RawMessage  `json:"arguments"`
	Tetraplets [][]data.Tetraplet `json:"tetraplets"`
}

type fileStop struct {
	Kind   string `json:"kind"`
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Peer   string `json:"peer_id,omitempty"`
	CallID uint32 `json:"call_id,omitempty"`
}

// Save writes hops to w as a recording file, with the sources they were
// compiled from (none is fine).
func Save(w io.Writer, hops []*Hop, sources []Source) error {
	f := fileRecording{Format: FileFormat, Version: FileVersion, Sources: sources, Particles: []fileParticle{}, Hops: make([]fileHop, 0, len(hops))}
	index := map[*Particle]int{}
	for _, h := range hops {
		i, ok := index[h.Particle]
		if !ok {
			p := h.Particle
			i = len(f.Particles)
			index[p] = i
			f.Particles = append(f.Particles, fileParticle{ID: p.ID, InitPeer: string(p.InitPeer), Timestamp: p.Timestamp, TTL: p.TTL, Script: p.Script})
		}
		f.Hops = append(f.Hops, toFile(h, i))
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetIndent("", " ")
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("save recording: %w", err)
	}
	return bw.Flush()
}

// SaveFile writes a recording file at path. It writes a temporary file
// beside it and renames it into place, so a failed save leaves whatever
// was at path before.
func SaveFile(path string, hops []*Hop, sources []Source) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		// Name the file asked for, not the temporary one.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("save recording to %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := Save(tmp, hops, sources); err != nil {
		return fmt.Errorf("save recording to %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("save recording to %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save recording to %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save recording to %s: %w", path, err)
	}
	return nil
}

func toFile(h *Hop, particle int) fileHop {
	fh := fileHop{Seq: h.Seq, Peer: string(h.Peer), Particle: particle, Prev: h.Prev, Current: h.Current,
		LazySign: h.LazySign, Started: h.Started.UTC(), Duration: h.Duration}
	if len(h.Results) > 0 {
		fh.Results = map[uint32]fileResult{}
		for id, r := range h.Results {
			fh.Results[id] = fileResult(r)
		}
	}
	o := h.Outcome
	fh.Outcome = fileOutcome{Data: o.Data, NextPeers: o.NextPeers, RetCode: o.RetCode, ErrorMessage: o.ErrorMessage, Complete: o.Complete}
	if len(o.CallRequests) > 0 {
		fh.Outcome.CallRequests = map[uint32]fileRequest{}
		for id, r := range o.CallRequests {
			fh.Outcome.CallRequests[id] = fileRequest{Service: r.ServiceID, Function: r.FunctionName, Arguments: r.Arguments, Tetraplets: r.Tetraplets}
		}
	}
	for _, s := range o.Stops {
		fh.Outcome.Stops = append(fh.Outcome.Stops, fileStop{Kind: s.Kind.String(), Start: s.Span.Start, End: s.Span.End, Peer: s.Peer, CallID: s.CallID})
	}
	return fh
}

// ErrNotRecording means a file is not a recording this build can read.
var ErrNotRecording = errors.New("not an aquarium recording")

// LoadFile reads the recording file at path; an error that is not the
// file system's names the path.
func LoadFile(path string) (*Recording, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rec, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rec, nil
}

// Load reads a recording file.
func Load(r io.Reader) (*Recording, error) {
	var f fileRecording
	dec := json.NewDecoder(io.LimitReader(r, MaxFileSize))
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotRecording, err)
	}
	if f.Format != FileFormat {
		return nil, fmt.Errorf("%w: format is %q, want %q", ErrNotRecording, f.Format, FileFormat)
	}
	if f.Version != FileVersion {
		return nil, fmt.Errorf("%w: version %d; this build reads version %d", ErrNotRecording, f.Version, FileVersion)
	}
	particles := make([]*Particle, len(f.Particles))
	for i, p := range f.Particles {
		particles[i] = &Particle{ID: p.ID, InitPeer: peer.ID(p.InitPeer), Timestamp: p.Timestamp, TTL: p.TTL, Script: p.Script}
	}
	rec := NewRecording(max(len(f.Hops), 1))
	rec.sources = f.Sources
	for i, fh := range f.Hops {
		h, err := fromFile(fh, particles)
		if err != nil {
			return nil, fmt.Errorf("%w: hop %d: %w", ErrNotRecording, i+1, err)
		}
		if len(rec.hops) > 0 && h.Seq <= rec.hops[len(rec.hops)-1].Seq {
			return nil, fmt.Errorf("%w: hop %d: seq %d does not follow %d", ErrNotRecording, i+1, h.Seq, rec.hops[len(rec.hops)-1].Seq)
		}
		rec.hops = append(rec.hops, h)
		rec.particles[h.Particle.ID] = h.Particle
		rec.next = h.Seq + 1
	}
	return rec, nil
}

func fromFile(fh fileHop, particles []*Particle) (*Hop, error) {
	if fh.Particle < 0 || fh.Particle >= len(particles) {
		return nil, fmt.Errorf("particle %d of %d", fh.Particle, len(particles))
	}
	h := &Hop{Seq: fh.Seq, Peer: peer.ID(fh.Peer), Particle: particles[fh.Particle], Prev: fh.Prev, Current: fh.Current,
		LazySign: fh.LazySign, Started: fh.Started, Duration: fh.Duration}
	if fh.Results != nil {
		h.Results = map[uint32]avm.CallResult{}
		for id, r := range fh.Results {
			h.Results[id] = avm.CallResult(r)
		}
	}
	o := fh.Outcome
	h.Outcome = avm.Outcome{Data: o.Data, NextPeers: o.NextPeers, RetCode: o.RetCode, ErrorMessage: o.ErrorMessage, Complete: o.Complete,
		CallRequests: map[uint32]avm.CallRequest{}}
	for id, r := range o.CallRequests {
		h.Outcome.CallRequests[id] = avm.CallRequest{ServiceID: r.Service, FunctionName: r.Function, Arguments: r.Arguments, Tetraplets: r.Tetraplets}
	}
	script := len(h.Particle.Script)
	for _, s := range o.Stops {
		kind := slices.IndexFunc(stopKinds, func(k avm.StopKind) bool { return k.String() == s.Kind })
		if kind < 0 {
			return nil, fmt.Errorf("stop kind %q", s.Kind)
		}
		if s.Start < 0 || s.Start > s.End || s.End > script {
			return nil, fmt.Errorf("stop at %d..%d is outside the script of %d bytes", s.Start, s.End, script)
		}
		h.Outcome.Stops = append(h.Outcome.Stops, avm.Stop{Kind: stopKinds[kind], Span: air.Span{Start: s.Start, End: s.End}, Peer: s.Peer, CallID: s.CallID})
	}
	return h, nil
}

var stopKinds = []avm.StopKind{avm.StopCall, avm.StopSend, avm.StopError}
