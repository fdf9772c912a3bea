package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/core/debug"
	"github.com/aquarium-p2p/aquarium/core/debug/replay"
	"github.com/aquarium-p2p/aquarium/tui"
	"github.com/aquarium-p2p/aquarium/tui/editor"
)

type replayFlags struct {
	hop      uint64
	particle string
	summary  bool
	data     bool
	tui      bool
}

func newReplayCmd() *cobra.Command {
	var f replayFlags
	cmd := &cobra.Command{
		Use:   "replay FILE",
		Short: "Show the hops of a saved recording",
		Long: `Show the hops of a saved recording: every interpretation of every particle,
in the order they ran, with the peer, the instructions it stopped at, the
calls it asked for and was answered, where it sent the particle, and the
particle's data after it, state by state.

Nothing runs again: a recording holds each hop's inputs and outcome.

On a terminal, with no other flag, the recording opens in the workbench,
read-only, at its first hop: ctrl+n steps through the hops in the order
they ran, alt+n steps over a hop's service calls, ctrl+← and ctrl+→ move
through a particle's hops, the AIR pane highlights where each stopped and
the inspector shows the particle's data and variables there.`,
		Example: `  aquarium replay run.rec
  aquarium replay run.rec --summary
  aquarium replay run.rec --hop 7 --data`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runReplay(cmd, args[0], f) },
	}
	fl := cmd.Flags()
	fl.Uint64Var(&f.hop, "hop", 0, "show only the hop with this number")
	fl.StringVar(&f.particle, "particle", "", "show only the hops of this particle")
	fl.BoolVar(&f.summary, "summary", false, "one line per hop")
	fl.BoolVar(&f.data, "data", false, "with --hop: print the hop's complete data as JSON")
	fl.BoolVar(&f.tui, "tui", false, "open the recording in the workbench (the default on a terminal with no other flag)")
	return cmd
}

func runReplay(cmd *cobra.Command, path string, f replayFlags) error {
	rec, err := debug.LoadFile(path)
	if err != nil {
		return err
	}
	if f.tui || (interactive() && f.hop == 0 && f.particle == "" && !f.summary && !f.data) {
		return replayWorkbench(cmd.Context(), path, rec)
	}
	hops := rec.Hops()
	switch {
	case f.hop != 0:
		h, ok := rec.Hop(f.hop)
		if !ok {
			return fmt.Errorf("%s: no hop %d; the recording holds hops %s", path, f.hop, hopRange(hops))
		}
		hops = []*debug.Hop{h}
	case f.particle != "":
		hops = rec.Particle(f.particle)
		if len(hops) == 0 {
			return fmt.Errorf("%s: no hop of particle %q; it records %s", path, f.particle, strings.Join(rec.Particles(), ", "))
		}
	}
	if f.data && len(hops) != 1 {
		return fmt.Errorf("--data shows one hop: add --hop N")
	}
	out := cmd.OutOrStdout()
	for i, h := range hops {
		switch {
		case f.data:
			b, err := debug.DataJSON(h)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "%s\n", b)
		case f.summary:
			fmt.Fprintln(out, summarize(h))
		default:
			if i > 0 {
				fmt.Fprintln(out)
			}
			if err := debug.Render(out, h, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// summarize describes a hop on one line.
func summarize(h *debug.Hop) string {
	s := fmt.Sprintf("#%d %s at %s:", h.Seq, h.Particle.ID, h.Peer.ShortString())
	for _, st := range h.Outcome.Stops {
		line, col := debug.Position(h.Particle.Script, st.Span.Start)
		s += fmt.Sprintf(" %s@%d:%d", st.Kind, line, col)
	}
	if h.Outcome.RetCode != 0 {
		s += fmt.Sprintf(" error %d", h.Outcome.RetCode)
	}
	if h.Outcome.Complete {
		s += " complete"
	}
	return s
}

func hopRange(hops []*debug.Hop) string {
	if len(hops) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d to %d", hops[0].Seq, hops[len(hops)-1].Seq)
}

// replayWorkbench opens a recording read from path in the workbench,
// over a session that replays it and runs nothing.
func replayWorkbench(ctx context.Context, path string, rec *debug.Recording) error {
	if !interactive() {
		return errors.New("--tui needs a terminal; without it replay prints the hops")
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	opts, err := replayOptions(ctx, path, rec)
	if err != nil {
		return err
	}
	return tui.Run(ctx, opts)
}

// replayOptions open the workbench on the replay of rec, read from path,
// standing at its first hop: the AIR pane shows the script that hop ran
// and where it stopped, the inspector its data and variables, the trace
// every hop. The editor shows the Aqua the particles were compiled from
// when the recording kept it, and otherwise a note on what there is to see.
func replayOptions(ctx context.Context, path string, rec *debug.Recording) (tui.Options, error) {
	if rec.Len() == 0 {
		return tui.Options{}, fmt.Errorf("%s: the recording holds no hops", path)
	}
	s := replay.New(rec)
	if _, err := s.Step(ctx); err != nil {
		return tui.Options{}, fmt.Errorf("%s: %w", path, err)
	}
	return tui.Options{
		Session:  s,
		Debugger: s,
		Compile:  compiler(aqua.Config{}),
		Files:    replayFiles(path, rec),
		Title:    "replay of " + filepath.Base(path) + " (read-only)",
		ReadOnly: true,
		Status: fmt.Sprintf("%s recorded: ctrl+n steps through them, alt+n steps over calls, ctrl+← and ctrl+→ move through a particle's",
			count(rec.Len(), "hop")),
	}, nil
}

// replayFiles are the files the editor opens in a replay: the recorded
// sources, or a note when there are none.
func replayFiles(path string, rec *debug.Recording) []editor.File {
	sources := rec.Sources()
	if len(sources) == 0 {
		return []editor.File{replayNote(path, rec)}
	}
	files := make([]editor.File, len(sources))
	for i, src := range sources {
		files[i] = editor.File{Path: src.Path, Text: src.Text, Saved: true}
	}
	return files
}

// replayNote is what the editor shows in a replay: what was recorded and
// where to look. It is Aqua that declares nothing, so it compiles clean.
func replayNote(path string, rec *debug.Recording) editor.File {
	base := filepath.Base(path)
	text := fmt.Sprintf(`-- A replay of %s:
-- %s of %s, recorded from %s.
--
-- This recording holds the AIR that ran but not the Aqua
-- it was compiled from. The AIR pane shows the script of
-- the hop the replay stands at and where it stopped;
-- the inspector shows the particle's data there and
-- the variables the script could see.
--
-- ctrl+n     steps through the hops as they ran
-- alt+n      steps over a hop's service calls
-- ctrl+←/→   move through a particle's hops
-- ctrl+t     sets a breakpoint, ctrl+p continues to it
--
-- Nothing runs again: a replay is read-only.
aqua Replay
`, base, count(rec.Len(), "hop"), count(len(rec.Particles()), "particle"), rec.Hops()[0].Started.UTC().Format("2006-01-02 15:04:05 UTC"))
	return editor.File{Path: strings.TrimSuffix(base, filepath.Ext(base)) + ".replay.aqua", Text: text, Saved: true}
}

// count writes n and a noun that agrees with it.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
