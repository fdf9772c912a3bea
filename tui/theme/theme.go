// Package theme holds the workbench's one colour theme and every style
// built from it. Components take a *Styles and never build colours of
// their own, so the look changes in one place.
package theme

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Theme is the semantic palette.
type Theme struct {
	Text, Muted, Subtle     color.Color
	Accent, Border, Focus   color.Color
	Error, Warning, Success color.Color
	Keyword, Type, String   color.Color
	Number, Comment, Func   color.Color
	Selection               color.Color
}

// Dark is the default theme, for dark terminals.
func Dark() Theme {
	return Theme{
		Text:      lipgloss.Color("#d8dee9"),
		Muted:     lipgloss.Color("#8a93a6"),
		Subtle:    lipgloss.Color("#4c566a"),
		Accent:    lipgloss.Color("#88c0d0"),
		Border:    lipgloss.Color("#4c566a"),
		Focus:     lipgloss.Color("#88c0d0"),
		Error:     lipgloss.Color("#e06c75"),
		Warning:   lipgloss.Color("#e5c07b"),
		Success:   lipgloss.Color("#98c379"),
		Keyword:   lipgloss.Color("#c678dd"),
		Type:      lipgloss.Color("#e5c07b"),
		String:    lipgloss.Color("#98c379"),
		Number:    lipgloss.Color("#d19a66"),
		Comment:   lipgloss.Color("#6b7280"),
		Func:      lipgloss.Color("#61afef"),
		Selection: lipgloss.Color("#3b4252"),
	}
}

// Styles are every style the workbench draws with, built once.
type Styles struct {
	Theme Theme

	Pane, PaneFocused     lipgloss.Style
	Title, TitleFocused   lipgloss.Style
	Tab, TabActive        lipgloss.Style
	Header, Status        lipgloss.Style
	AccentText            lipgloss.Style
	Text, Muted, Subtle   lipgloss.Style
	Error, Warning, Good  lipgloss.Style
	Selected, CursorLine  lipgloss.Style
	LineNumber, LineNumAt lipgloss.Style
	Label, Value          lipgloss.Style

	// Syntax colouring.
	Keyword, Type, String, Number, Comment, Func lipgloss.Style
	// ErrorSpan underlines source a diagnostic points at.
	ErrorSpan lipgloss.Style
	// StopSpan marks the instruction a stepped hop stopped at;
	// Breakpoint marks a line with a breakpoint.
	StopSpan, Breakpoint lipgloss.Style
	// Lane draws the vertical lines of the timeline.
	Lane, Arrow, Interp, Call lipgloss.Style
}

// New builds the styles of t.
func New(t Theme) *Styles {
	base := lipgloss.NewStyle().Foreground(t.Text)
	pane := lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(t.Border)
	return &Styles{
		Theme:        t,
		Pane:         pane,
		PaneFocused:  pane.BorderForeground(t.Focus),
		Title:        lipgloss.NewStyle().Foreground(t.Muted),
		TitleFocused: lipgloss.NewStyle().Foreground(t.Focus).Bold(true),
		Tab:          lipgloss.NewStyle().Foreground(t.Muted).Padding(0, 1),
		TabActive:    lipgloss.NewStyle().Foreground(t.Text).Background(t.Selection).Bold(true).Padding(0, 1),
		Header:       lipgloss.NewStyle().Foreground(t.Accent).Bold(true),
		Status:       lipgloss.NewStyle().Foreground(t.Muted),
		AccentText:   lipgloss.NewStyle().Foreground(t.Accent),
		Text:         base,
		Muted:        lipgloss.NewStyle().Foreground(t.Muted),
		Subtle:       lipgloss.NewStyle().Foreground(t.Subtle),
		Error:        lipgloss.NewStyle().Foreground(t.Error),
		Warning:      lipgloss.NewStyle().Foreground(t.Warning),
		Good:         lipgloss.NewStyle().Foreground(t.Success),
		Selected:     lipgloss.NewStyle().Background(t.Selection).Foreground(t.Text).Bold(true),
		CursorLine:   lipgloss.NewStyle().Background(t.Selection),
		LineNumber:   lipgloss.NewStyle().Foreground(t.Subtle),
		LineNumAt:    lipgloss.NewStyle().Foreground(t.Accent),
		Label:        lipgloss.NewStyle().Foreground(t.Muted),
		Value:        base,
		Keyword:      lipgloss.NewStyle().Foreground(t.Keyword),
		Type:         lipgloss.NewStyle().Foreground(t.Type),
		String:       lipgloss.NewStyle().Foreground(t.String),
		Number:       lipgloss.NewStyle().Foreground(t.Number),
		Comment:      lipgloss.NewStyle().Foreground(t.Comment).Italic(true),
		Func:         lipgloss.NewStyle().Foreground(t.Func),
		ErrorSpan:    lipgloss.NewStyle().Foreground(t.Error).Underline(true),
		StopSpan:     lipgloss.NewStyle().Background(t.Warning).Foreground(lipgloss.Color("#1e222a")).Bold(true),
		Breakpoint:   lipgloss.NewStyle().Foreground(t.Error).Bold(true),
		Lane:         lipgloss.NewStyle().Foreground(t.Subtle),
		Arrow:        lipgloss.NewStyle().Foreground(t.Accent),
		Interp:       lipgloss.NewStyle().Foreground(t.Keyword),
		Call:         lipgloss.NewStyle().Foreground(t.Func),
	}
}
