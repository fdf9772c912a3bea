package editor

import (
	"context"
	"encoding/base64"
	"fmt"
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/tui/keys"
	"github.com/aquarium-p2p/aquarium/tui/theme"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

func noCompile(context.Context, ui.Source) ui.Build { return ui.Build{} }

// newEditor returns a focused 40x10 editor on text, as a file not yet on
// disk.
func newEditor(t testing.TB, text string) *Editor {
	t.Helper()
	c := &ui.Context{Styles: theme.New(theme.Dark()), Keys: keys.Default(), Names: map[peer.ID]string{}}
	e := New(c, t.Context(), noCompile, []File{{Path: "a.aqua", Text: text}})
	e.SetSize(40, 10)
	e.Focus()
	return e
}

var named = map[string]rune{
	"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
	"home": tea.KeyHome, "end": tea.KeyEnd, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown,
	"enter": tea.KeyEnter, "backspace": tea.KeyBackspace, "delete": tea.KeyDelete,
	"tab": tea.KeyTab, "esc": tea.KeyEscape,
}

// keyMsg builds the key press that String() reports as k, such as
// "ctrl+shift+home" or "x".
func keyMsg(k string) tea.KeyPressMsg {
	var mod tea.KeyMod
	for {
		m, rest, ok := strings.Cut(k, "+")
		if !ok || rest == "" {
			break
		}
		switch m {
		case "ctrl":
			mod |= tea.ModCtrl
		case "alt":
			mod |= tea.ModAlt
		case "shift":
			mod |= tea.ModShift
		default:
			panic("unknown modifier " + m)
		}
		k = rest
	}
	if code, ok := named[k]; ok {
		return tea.KeyPressMsg{Code: code, Mod: mod}
	}
	r := []rune(k)[0]
	if mod == 0 {
		return tea.KeyPressMsg{Code: r, Text: k}
	}
	return tea.KeyPressMsg{Code: r, Mod: mod}
}

// press sends keys; a key of several letters without a modifier or a
// name is typed letter by letter.
func press(e *Editor, ks ...string) []tea.Cmd {
	var cmds []tea.Cmd
	for _, k := range ks {
		if _, ok := named[k]; !ok && !strings.Contains(k, "+") && len([]rune(k)) > 1 {
			for _, r := range k {
				cmds = append(cmds, e.Update(keyMsg(string(r))))
			}
			continue
		}
		cmds = append(cmds, e.Update(keyMsg(k)))
	}
	return cmds
}

// msgs runs cmds, batches included, and returns what they said.
func msgs(cmds ...tea.Cmd) []tea.Msg {
	var out []tea.Msg
	for _, c := range cmds {
		if c == nil {
			continue
		}
		switch m := c().(type) {
		case tea.BatchMsg:
			out = append(out, msgs(m...)...)
		case nil:
		default:
			out = append(out, m)
		}
	}
	return out
}

// screen is the editor's view without colours.
func screen(e *Editor) string { return ansi.Strip(e.View()) }

func TestUndoRedo(t *testing.T) {
	for _, tt := range []struct {
		name    string
		keys    []string
		edited  string // the text after keys
		undos   int
		undone  string // the text after that many undos
		cursorL int    // the cursor's line and column after them
		cursorC int
	}{
		{"typing undoes word by word", []string{"end", "hello world"}, "abc\ndefhello world", 1, "abc\ndefhello ", 2, 10},
		{"every word", []string{"end", "hello world"}, "abc\ndefhello world", 3, "abc\ndef", 2, 4},
		{"a newline", []string{"end", "enter"}, "abc\ndef\n", 1, "abc\ndef", 2, 4},
		{"a backspace joining lines", []string{"home", "backspace"}, "abcdef", 1, "abc\ndef", 2, 1},
		{"delete", []string{"home", "delete", "delete"}, "abc\nf", 1, "abc\nef", 2, 1},
		{"a cut line", []string{"up", "ctrl+x"}, "def", 1, "abc\ndef", 1, 1},
		{"typing over a selection", []string{"shift+up", "X"}, "Xdef", 1, "abc\ndef", 1, 1},
		{"moving ends a word", []string{"end", "ab", "left", "cd"}, "abc\ndefacdb", 1, "abc\ndefab", 2, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEditor(t, "abc\ndef")
			press(e, "down")
			press(e, tt.keys...)
			if got := e.Text(); got != tt.edited {
				t.Fatalf("after %q: %q, want %q", tt.keys, got, tt.edited)
			}
			if !e.Dirty() {
				t.Error("an edit did not make the file unsaved")
			}
			for range tt.undos {
				press(e, "ctrl+z")
			}
			if got := e.Text(); got != tt.undone {
				t.Errorf("after %d undo: %q, want %q", tt.undos, got, tt.undone)
			}
			if l, c := e.Cursor(); l != tt.cursorL || c != tt.cursorC {
				t.Errorf("cursor at %d:%d after undo, want %d:%d", l, c, tt.cursorL, tt.cursorC)
			}
			// Undo everything, then redo everything.
			for range 20 {
				press(e, "ctrl+z")
			}
			if e.Text() != "abc\ndef" || e.Dirty() {
				t.Errorf("undoing every edit left %q (unsaved %v)", e.Text(), e.Dirty())
			}
			msg := msgs(press(e, "ctrl+z")...)
			if len(msg) != 1 || msg[0].(ui.StatusMsg).Text != "nothing to undo" {
				t.Errorf("undo with nothing to undo said %v", msg)
			}
			for range 20 {
				press(e, "ctrl+y")
			}
			if got := e.Text(); got != tt.edited {
				t.Errorf("redo: %q, want %q", got, tt.edited)
			}
			press(e, "ctrl+z", "ctrl+shift+z")
			if got := e.Text(); got != tt.edited {
				t.Errorf("ctrl+shift+z did not redo: %q", got)
			}
		})
	}
}

func TestUndoBackToSaved(t *testing.T) {
	e := newEditor(t, "abc")
	press(e, "end", "x")
	e.Update(SavedMsg{Path: "a.aqua", Version: e.doc().version, state: e.doc().state})
	if e.Dirty() {
		t.Fatal("saved file is unsaved")
	}
	press(e, "y")
	if !e.Dirty() {
		t.Fatal("typing after a save did not make the file unsaved")
	}
	press(e, "ctrl+z")
	if e.Text() != "abcx" || e.Dirty() {
		t.Errorf("undo back to the saved text: %q, unsaved %v", e.Text(), e.Dirty())
	}
	press(e, "ctrl+z")
	if !e.Dirty() {
		t.Error("undo past the saved text left the file saved")
	}
}

func TestNewFileUntouchedIsNotUnsaved(t *testing.T) {
	e := newEditor(t, "starter")
	if e.Dirty() {
		t.Error("a file opened and not edited counts as unsaved")
	}
	if strings.Contains(strings.SplitN(screen(e), "\n", 2)[0], "•") {
		t.Error("the tab of an untouched file is marked unsaved")
	}
	press(e, "x")
	if !e.Dirty() || !strings.Contains(strings.SplitN(screen(e), "\n", 2)[0], "•") {
		t.Error("an edit is not marked unsaved")
	}
}

func TestSelectWithShift(t *testing.T) {
	for _, tt := range []struct {
		keys []string
		want string
	}{
		{[]string{"shift+right", "shift+right"}, "ab"},
		{[]string{"shift+down"}, "abc\n"},
		{[]string{"shift+end"}, "abc"},
		{[]string{"end", "shift+home"}, "abc"},
		{[]string{"ctrl+shift+end"}, "abc\ndef\nghi"},
		{[]string{"down", "down", "end", "ctrl+shift+home"}, "abc\ndef\nghi"},
		{[]string{"shift+pgdown"}, "abc\ndef\n"},
		{[]string{"down", "right", "shift+up", "shift+left"}, "abc\nd"},
		{[]string{"ctrl+a"}, "abc\ndef\nghi"},
		{[]string{"shift+right", "right"}, ""},
	} {
		t.Run(strings.Join(tt.keys, " "), func(t *testing.T) {
			e := newEditor(t, "abc\ndef\nghi")
			e.SetSize(40, 4) // two lines of text: a page is two lines
			press(e, tt.keys...)
			if got := e.Selection(); got != tt.want {
				t.Errorf("selection %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSelectionCollapsesAndDeletes(t *testing.T) {
	e := newEditor(t, "abc\ndef")
	press(e, "right", "shift+right", "shift+down", "left")
	if l, c := e.Cursor(); l != 1 || c != 2 || e.Selection() != "" {
		t.Errorf("left on a selection: cursor %d:%d, selection %q; want its start, 1:2", l, c, e.Selection())
	}
	press(e, "shift+down", "right")
	if l, c := e.Cursor(); l != 2 || c != 2 {
		t.Errorf("right on a selection: cursor %d:%d, want its end, 2:2", l, c)
	}
	press(e, "shift+up", "backspace")
	if e.Text() != "aef" {
		t.Errorf("backspace on a selection: %q", e.Text())
	}
	press(e, "shift+end", "delete")
	if e.Text() != "a" {
		t.Errorf("delete on a selection: %q", e.Text())
	}
}

// clipboardOf returns what tea.SetClipboard was asked to put on the
// terminal's clipboard, if anything.
func clipboardOf(ms []tea.Msg) (string, bool) {
	want := reflect.TypeOf(msgs(tea.SetClipboard("x"))[0])
	for _, m := range ms {
		if reflect.TypeOf(m) == want {
			return reflect.ValueOf(m).String(), true
		}
	}
	return "", false
}

func TestCopyCutPaste(t *testing.T) {
	e := newEditor(t, "one two\nthree")
	// Copy the selection: to the terminal's clipboard and our own.
	ms := msgs(press(e, "shift+right", "shift+right", "shift+right", "ctrl+c")...)
	if got, ok := clipboardOf(ms); !ok || got != "one" {
		t.Errorf("copy set the terminal clipboard to %q (%v), want one", got, ok)
	}
	if e.Clipboard() != "one" || e.Text() != "one two\nthree" {
		t.Errorf("copy: clipboard %q, text %q", e.Clipboard(), e.Text())
	}
	// Paste at the end of the file.
	press(e, "ctrl+end", "ctrl+v")
	if e.Text() != "one two\nthreeone" {
		t.Errorf("paste: %q", e.Text())
	}
	// Cut without a selection cuts the line.
	press(e, "ctrl+home")
	ms = msgs(press(e, "ctrl+x")...)
	if got, _ := clipboardOf(ms); got != "one two\n" || e.Text() != "threeone" {
		t.Errorf("cut line: clipboard %q, text %q", got, e.Text())
	}
	press(e, "ctrl+v")
	if e.Text() != "one two\nthreeone" {
		t.Errorf("paste of a cut line: %q", e.Text())
	}
	// Cut a selection; a paste replaces a selection.
	press(e, "ctrl+home", "shift+end", "ctrl+x")
	if e.Clipboard() != "one two" || e.Text() != "\nthreeone" {
		t.Errorf("cut selection: clipboard %q, text %q", e.Clipboard(), e.Text())
	}
	press(e, "down", "shift+end", "ctrl+v")
	if e.Text() != "\none two" {
		t.Errorf("paste over a selection: %q", e.Text())
	}
	// The terminal's own paste arrives as a paste message.
	e.Update(tea.PasteMsg{Content: "x\r\ny"})
	if e.Text() != "\none twox\ny" {
		t.Errorf("bracketed paste: %q", e.Text())
	}
}

func TestCopyWritesOSC52(t *testing.T) {
	// What reaches the terminal: tea.SetClipboard becomes OSC 52 with
	// the text in base64, which is what terminals (and tmux) read.
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("one")) + "\a"
	if got := ansi.SetSystemClipboard("one"); got != want {
		t.Fatalf("OSC 52 for one: %q, want %q", got, want)
	}
}

func TestFind(t *testing.T) {
	e := newEditor(t, "func a:\n  x <- A.b()\nfunc b:\n  y <- a.B()")
	press(e, "ctrl+f")
	if !e.Prompting() || !strings.Contains(screen(e), "find:") {
		t.Fatalf("ctrl+f did not open find:\n%s", screen(e))
	}
	press(e, "func", "enter")
	if l, c := e.Cursor(); l != 1 || c != 5 || e.Selection() != "func" {
		t.Errorf("first find: cursor %d:%d selection %q, want the match at the cursor selected", l, c, e.Selection())
	}
	if !strings.Contains(screen(e), "1 of 2") {
		t.Errorf("find does not say which match:\n%s", screen(e))
	}
	press(e, "enter")
	if l, _ := e.Cursor(); l != 3 || !strings.Contains(screen(e), "2 of 2") {
		t.Errorf("enter finds the next: cursor line %d\n%s", l, screen(e))
	}
	press(e, "down")
	if l, _ := e.Cursor(); l != 1 {
		t.Errorf("↓ after the last match wraps to line 1: line %d", l)
	}
	press(e, "up")
	if l, _ := e.Cursor(); l != 3 {
		t.Errorf("↑ finds the match before, wrapping: line %d", l)
	}
	// Lower case matches any case; upper case only itself.
	press(e, "esc", "ctrl+home", "ctrl+f", "backspace", "backspace", "backspace", "backspace", "a.b", "enter")
	if l, c := e.Cursor(); l != 2 || c != 11 || e.Selection() != "A.b" {
		t.Errorf("a.b finds A.b: cursor %d:%d selection %q, want 2:11 after A.b", l, c, e.Selection())
	}
	press(e, "esc", "ctrl+home", "ctrl+f", "backspace", "backspace", "backspace", "a.B", "enter")
	if l, _ := e.Cursor(); l != 4 {
		t.Errorf("a.B finds only a.B: line %d, want 4", l)
	}
	press(e, "backspace", "backspace", "backspace", "zzz", "enter")
	if !strings.Contains(screen(e), "not found") {
		t.Errorf("a missing text is not reported:\n%s", screen(e))
	}
	press(e, "esc")
	if e.Prompting() {
		t.Error("esc did not close find")
	}
	// The next ctrl+f offers the last search.
	press(e, "ctrl+f")
	if !strings.Contains(screen(e), "find: zzz") {
		t.Errorf("find forgot the last search:\n%s", screen(e))
	}
}

func TestGoToLine(t *testing.T) {
	e := newEditor(t, strings.Repeat("line\n", 30)+"last line")
	press(e, "ctrl+g", "31", "enter")
	if l, c := e.Cursor(); l != 31 || c != 1 || e.Prompting() {
		t.Errorf("go to 31: cursor %d:%d (prompt open %v)", l, c, e.Prompting())
	}
	if !strings.Contains(screen(e), "31  last line") {
		t.Errorf("line 31 is not shown:\n%s", screen(e))
	}
	press(e, "ctrl+g", "5:3", "enter")
	if l, c := e.Cursor(); l != 5 || c != 3 {
		t.Errorf("go to 5:3: cursor %d:%d", l, c)
	}
	press(e, "ctrl+g", "99", "enter")
	if l, _ := e.Cursor(); l != 31 {
		t.Errorf("go to 99 in 31 lines: line %d, want the last", l)
	}
	ms := msgs(press(e, "ctrl+g", "x", "enter")...)
	if st, ok := ms[len(ms)-1].(ui.StatusMsg); !ok || !st.Err || !strings.Contains(st.Text, `"x" is not LINE`) {
		t.Errorf("go to x: %v, want an error", ms)
	}
	press(e, "ctrl+g", "esc")
	if e.Prompting() {
		t.Error("esc did not close go to line")
	}
}

func TestCursorLineColInStatus(t *testing.T) {
	e := newEditor(t, "abc\ndefgh")
	press(e, "down", "end")
	last := func() string {
		lines := strings.Split(screen(e), "\n")
		return lines[len(lines)-1]
	}
	if !strings.HasSuffix(strings.TrimRight(last(), " "), "2:6") {
		t.Errorf("status line %q, want the cursor at 2:6 on its right", last())
	}
	press(e, "shift+left", "shift+left")
	if !strings.Contains(last(), "2 characters selected · 2:4") {
		t.Errorf("status line %q, want the selection's size", last())
	}
	press(e, "shift+up")
	if !strings.Contains(last(), "2 lines selected · 1:4") {
		t.Errorf("status line %q, want the selection's size", last())
	}
}

func TestHorizontalScroll(t *testing.T) {
	long := "x <- " + strings.Repeat("a", 60) + "END"
	e := newEditor(t, "short\n"+long)
	press(e, "down")
	if strings.Contains(screen(e), "END") {
		t.Fatal("the end of the long line shows before scrolling")
	}
	press(e, "end")
	view := screen(e)
	if !strings.Contains(view, "aaEND") {
		t.Errorf("end of a long line does not scroll it into view:\n%s", view)
	}
	if strings.Contains(view, "x <-") || strings.Contains(view, "short") {
		t.Errorf("the scrolled view still shows the start of the lines:\n%s", view)
	}
	press(e, "home")
	if view := screen(e); !strings.Contains(view, "x <- aaa") || strings.Contains(view, "END") {
		t.Errorf("home does not scroll back:\n%s", view)
	}
	// Typing at the right edge scrolls along.
	press(e, "end", "Z")
	if !strings.Contains(screen(e), "ENDZ") {
		t.Errorf("typed text past the edge is not shown:\n%s", screen(e))
	}
}

func TestCtrlEndGoesToTheEndOfTheLastLine(t *testing.T) {
	e := newEditor(t, "abc\ndef\nlast")
	press(e, "ctrl+end")
	if l, c := e.Cursor(); l != 3 || c != 5 {
		t.Errorf("ctrl+end: cursor %d:%d, want 3:5", l, c)
	}
	press(e, "ctrl+home")
	if l, c := e.Cursor(); l != 1 || c != 1 {
		t.Errorf("ctrl+home: cursor %d:%d, want 1:1", l, c)
	}
}

// edits1000 returns an editor after 1,000 separate edits: lines typed
// and broken, pasted, deleted, in a file of 2,000 lines.
func edits1000(tb testing.TB) (*Editor, string) {
	e := newEditor(tb, strings.Repeat("a line of aqua code\n", 2000))
	before := e.Text()
	for i := range 1000 {
		switch i % 4 {
		case 0:
			e.Update(tea.PasteMsg{Content: fmt.Sprintf("pasted %d\n", i)})
		case 1:
			e.Update(keyMsg("enter"))
		case 2:
			e.Update(keyMsg("delete"))
		default:
			e.Update(keyMsg("down"))
			e.Update(keyMsg("x"))
		}
	}
	return e, before
}

func TestUndo1000Edits(t *testing.T) {
	e, before := edits1000(t)
	for range 1000 {
		e.Update(keyMsg("ctrl+z"))
	}
	if e.Text() != before || e.Dirty() {
		t.Errorf("1,000 undos did not restore the text (unsaved %v)", e.Dirty())
	}
}

// BenchmarkUndo1000 undoes 1,000 edits of a 2,000-line file, one ctrl+z
// at a time as the user presses it: the edits alone, and each with the
// pane drawn again as the workbench does after every key.
func BenchmarkUndo1000(b *testing.B) {
	for _, draw := range []bool{false, true} {
		name := "undo"
		if draw {
			name = "undo+view"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				e, _ := edits1000(b)
				b.StartTimer()
				for range 1000 {
					e.Update(keyMsg("ctrl+z"))
					if draw {
						_ = e.View()
					}
				}
			}
		})
	}
}

func TestGrowingPaneShowsLinesAbove(t *testing.T) {
	e := newEditor(t, strings.Repeat("line\n", 11)+"last")
	e.SetSize(40, 6) // four lines of text
	press(e, "ctrl+end")
	e.SetSize(40, 20)
	if view := screen(e); !strings.Contains(view, " 1  line") || !strings.Contains(view, "12  last") {
		t.Errorf("a grown pane hides lines above while rows stay empty:\n%s", view)
	}
}
