package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/spf13/cobra"
)

// watchEvery is how often --watch looks at the files.
var watchEvery = 250 * time.Millisecond

// runCompileInputs compiles the file or directory named by the argument
// or -i, once or, with --watch, whenever a file changes.
func runCompileInputs(cmd *cobra.Command, args []string, f compileFlags) error {
	input := f.input
	switch {
	case len(args) == 1 && input != "" && input != args[0]:
		return fmt.Errorf("compile %s or -i %s: give one input", args[0], input)
	case len(args) == 1:
		input = args[0]
	case input == "":
		return errors.New("nothing to compile: give FILE.aqua or -i DIR")
	}
	cfg, err := compileConfig(f)
	if err != nil {
		return err
	}
	// One Workspace for every file and every round of --watch: a module
	// is checked again only when it changes.
	ws := aqua.NewWorkspace(cfg)
	if !f.watch {
		return compileInput(cmd, ws, input, f)
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	report := func() {
		err := compileInput(cmd, ws, input, f)
		var coded exitError
		switch {
		case err == nil:
			fmt.Fprintf(cmd.ErrOrStderr(), "compiled %s at %s; watching for changes\n", input, time.Now().Format(time.TimeOnly))
		case errors.As(err, &coded):
			fmt.Fprintf(cmd.ErrOrStderr(), "%s failed to compile at %s; watching for changes\n", input, time.Now().Format(time.TimeOnly))
		default:
			fmt.Fprintf(cmd.ErrOrStderr(), "aquarium: %v; watching for changes\n", err)
		}
	}
	watched := func() []string { return watchedFiles(input, f.imports) }
	watch(ctx, watched, watchEvery, report)
	return nil
}

// compileInput compiles one file, or every .aqua file under a directory:
// with -o DIR, file a/b.aqua's output goes to DIR/a/b/; without, each
// file's functions follow a line ";; file a/b.aqua".
func compileInput(cmd *cobra.Command, ws *aqua.Workspace, input string, f compileFlags) error {
	st, err := os.Stat(input)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return runCompile(cmd, ws, input, f)
	}
	files := aquaFiles(input)
	if len(files) == 0 {
		return fmt.Errorf("%s holds no .aqua file", input)
	}
	failed := false
	for _, file := range files {
		rel, _ := filepath.Rel(input, file)
		one := f
		switch {
		case f.outDir != "":
			one.outDir = filepath.Join(f.outDir, strings.TrimSuffix(rel, ".aqua"))
		case !f.asJSON:
			fmt.Fprintf(cmd.OutOrStdout(), ";; file %s\n", filepath.ToSlash(rel))
		}
		err := runCompile(cmd, ws, file, one)
		var coded exitError
		if errors.As(err, &coded) {
			failed = true
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	if failed {
		return exitError{1}
	}
	return nil
}

// aquaFiles lists the .aqua files under dir, sorted.
func aquaFiles(dir string) []string {
	var files []string
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".aqua") {
			files = append(files, path)
		}
		return nil
	})
	slices.Sort(files)
	return files
}

// watchedFiles are the files a change to which recompiles input: the
// .aqua files under it (a directory) or beside it (a file, which may
// import them), and under the import directories.
func watchedFiles(input string, imports []string) []string {
	dir := input
	if st, err := os.Stat(input); err == nil && !st.IsDir() {
		dir = filepath.Dir(input)
	}
	files := aquaFiles(dir)
	for _, d := range imports {
		files = append(files, aquaFiles(d)...)
	}
	return files
}

// fileState is what watch compares: a file's size and time.
type fileState struct {
	size int64
	mod  time.Time
}

// watch calls run at once and then whenever one of the files listed
// changes, appears or goes, looking every interval, until ctx ends.
func watch(ctx context.Context, files func() []string, every time.Duration, run func()) {
	snapshot := func() map[string]fileState {
		m := map[string]fileState{}
		for _, f := range files() {
			if st, err := os.Stat(f); err == nil {
				m[f] = fileState{st.Size(), st.ModTime()}
			}
		}
		return m
	}
	last := snapshot()
	run()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if now := snapshot(); !mapsEqual(now, last) {
				last = now
				run()
			}
		}
	}
}

func mapsEqual(a, b map[string]fileState) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w.size != v.size || !w.mod.Equal(v.mod) {
			return false
		}
	}
	return true
}
