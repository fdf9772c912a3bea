package tui

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"
)

// Run opens the workbench on the terminal and returns when the user
// quits or ctx ends. Extra program options are for tests.
func Run(ctx context.Context, opts Options, progOpts ...tea.ProgramOption) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m := New(ctx, opts)
	defer m.Close()
	p := tea.NewProgram(m, append([]tea.ProgramOption{tea.WithContext(ctx)}, progOpts...)...)
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil
	}
	return err
}
