package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aquarium-p2p/aquarium/tui/keys"
)

// Cursor is a selected row in a list of n rows shown height at a time.
// Lists keep one and render only the rows from Offset to Offset+height.
type Cursor struct {
	Index, Offset int
	// Follow keeps the cursor on the last row as rows are added.
	Follow bool
}

// SetLen adjusts the cursor to a list of n rows shown height at a time.
func (c *Cursor) SetLen(n, height int) {
	if c.Follow {
		c.Index = n - 1
	}
	c.Index = max(0, min(c.Index, n-1))
	height = max(height, 1)
	if c.Index < c.Offset {
		c.Offset = c.Index
	}
	if c.Index >= c.Offset+height {
		c.Offset = c.Index - height + 1
	}
	c.Offset = max(0, min(c.Offset, n-height))
}

// Move handles the list keys; it reports whether msg was one of them.
func (c *Cursor) Move(msg tea.KeyPressMsg, km keys.List, n, height int) bool {
	switch {
	case key.Matches(msg, km.Up):
		c.Index--
	case key.Matches(msg, km.Down):
		c.Index++
	case key.Matches(msg, km.PageUp):
		c.Index -= height
	case key.Matches(msg, km.PageDown):
		c.Index += height
	case key.Matches(msg, km.Top):
		c.Index = 0
	case key.Matches(msg, km.Bottom):
		c.Index = n - 1
	default:
		return false
	}
	c.Follow = c.Index >= n-1
	c.SetLen(n, height)
	return true
}

// Fit cuts or pads s to exactly width cells; ANSI styling is kept.
func Fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w > width {
		return ansi.Truncate(s, width, "…")
	}
	return s + strings.Repeat(" ", width-w)
}

// Block pads or cuts lines to exactly width by height cells.
func Block(lines []string, width, height int) string {
	var b strings.Builder
	for i := range height {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(lines) {
			b.WriteString(Fit(lines[i], width))
		} else {
			b.WriteString(strings.Repeat(" ", max(width, 0)))
		}
	}
	return b.String()
}

// Row renders a list row: the selected row is drawn in st when the list
// has focus, and in dim, the background alone, when it has not.
func Row(s string, width int, selected, focused bool, st, dim lipgloss.Style) string {
	line := Fit(s, width)
	switch {
	case selected && focused:
		return st.Render(ansi.Strip(line))
	case selected:
		return dim.Render(ansi.Strip(line))
	}
	return line
}
