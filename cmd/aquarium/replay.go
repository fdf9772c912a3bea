package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/aquarium-p2p/aquarium/core/debug"
	"github.com/spf13/cobra"
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
read-only: ctrl+n steps through the hops in the order they ran, ctrl+←
and ctrl+→ move through a particle's hops, the AIR pane highlights where
each stopped and the inspector shows the particle's data there.`,
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
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	rec, err := debug.Load(file)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
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
