package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
)

// runAtCursor runs the function the editor's cursor is in: its form
// opens if it is exported, and a function that is not says so rather
// than running another. ok is false when the cursor is in no function.
func (m *Model) runAtCursor() (cmd tea.Cmd, ok bool) {
	line, _ := m.editor.Cursor()
	name, declared := enclosingFunc(m.editor.Text(), line)
	if declared == 0 {
		return nil, false
	}
	if m.functions.SelectLine(declared) {
		m.Focus(FunctionsPane)
		return m.functions.OpenForm(), true
	}
	if _, b, _ := m.editor.Active(); b.Diagnostics.HasErrors() {
		m.setStatus(name+" cannot run until the file compiles (ctrl+e: next error)", true)
		return nil, true
	}
	m.setStatus(name+" is not exported: only exported functions run (add export "+name+")", true)
	return nil, true
}

// enclosingFunc finds the top-level function whose declaration or body
// holds line (counted from 1) of text: its name and the line that
// declares it, or 0 if line is in none.
func enclosingFunc(text string, line int) (name string, declared int) {
	lines := strings.Split(text, "\n")
	for i := min(line, len(lines)) - 1; i >= 0; i-- {
		l := lines[i]
		if strings.TrimSpace(l) == "" || l[0] == ' ' || l[0] == '\t' || strings.HasPrefix(l, "--") {
			continue
		}
		rest, isFunc := strings.CutPrefix(l, "func ")
		if !isFunc {
			return "", 0
		}
		end := strings.IndexFunc(rest, func(r rune) bool {
			return r != '_' && !(r >= 'a' && r <= 'z') && !(r >= 'A' && r <= 'Z') && !(r >= '0' && r <= '9')
		})
		if end < 0 {
			end = len(rest)
		}
		return rest[:end], i + 1
	}
	return "", 0
}
