package lsp

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/sourcegraph/jsonrpc2"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// client is a scripted editor: it speaks JSON-RPC to a server over a
// pipe and collects the diagnostics the server publishes.
type client struct {
	t     *testing.T
	conn  *jsonrpc2.Conn
	diags chan protocol.PublishDiagnosticsParams
}

func (c *client) Handle(_ context.Context, _ *jsonrpc2.Conn, req *jsonrpc2.Request) {
	if req.Method == protocol.ServerTextDocumentPublishDiagnostics && req.Params != nil {
		var p protocol.PublishDiagnosticsParams
		if err := json.Unmarshal(*req.Params, &p); err != nil {
			c.t.Errorf("publishDiagnostics: %v", err)
			return
		}
		c.diags <- p
	}
}

func startClient(t *testing.T) *client {
	t.Helper()
	serverEnd, clientEnd := net.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = Serve(ctx, serverEnd, New(aqua.Config{}))
	}()
	c := &client{t: t, diags: make(chan protocol.PublishDiagnosticsParams, 16)}
	c.conn = jsonrpc2.NewConn(ctx, jsonrpc2.NewBufferedStream(clientEnd, jsonrpc2.VSCodeObjectCodec{}), c)
	t.Cleanup(func() {
		_ = c.conn.Notify(context.Background(), "exit", nil)
		cancel()
		c.conn.Close()
		<-done
	})
	return c
}

func (c *client) call(method string, params, result any) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.conn.Call(ctx, method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *client) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *client) nextDiagnostics() protocol.PublishDiagnosticsParams {
	c.t.Helper()
	select {
	case p := <-c.diags:
		return p
	case <-time.After(10 * time.Second):
		c.t.Fatal("no diagnostics published")
	}
	return protocol.PublishDiagnosticsParams{}
}

const mainAqua = `aqua Main

import "lib/greet.aqua"

export hello

func hello(name: string) -> string:
  g <- make(name)
  r <- Greeter.greet(g.text)
  <- r
`

// at is the LSP position of the n-th occurrence of sub in text, plus
// delta characters.
func at(text, sub string, n, delta int) protocol.Position {
	off := -1
	for range n {
		i := strings.Index(text[off+1:], sub)
		if i < 0 {
			panic("no " + sub)
		}
		off += i + 1
	}
	line := strings.Count(text[:off], "\n")
	col := off - (strings.LastIndexByte(text[:off], '\n') + 1)
	return protocol.Position{Line: uint32(line), Character: uint32(col + delta)}
}

func TestScriptedSession(t *testing.T) {
	dir, err := filepath.Abs("testdata/project")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "main.aqua")
	uri := pathURI(path)
	doc := protocol.TextDocumentIdentifier{URI: uri}
	c := startClient(t)

	var init protocol.InitializeResult
	c.call("initialize", protocol.InitializeParams{}, &init)
	if init.Capabilities.HoverProvider == nil || init.Capabilities.CompletionProvider == nil ||
		init.Capabilities.DocumentFormattingProvider == nil || init.Capabilities.DefinitionProvider == nil {
		t.Fatalf("capabilities missing: %+v", init.Capabilities)
	}
	c.notify("initialized", protocol.InitializedParams{})

	// Open: a correct file has no diagnostics.
	c.notify("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: uri, LanguageID: "aqua", Version: 1, Text: mainAqua,
	}})
	if p := c.nextDiagnostics(); p.URI != uri || len(p.Diagnostics) != 0 {
		t.Fatalf("on open: %+v, want no diagnostics for %s", p, uri)
	}

	// A keystroke that misspells a name: the compiler's error, where it is.
	typo := at(mainAqua, "make(name)", 1, 0)
	c.notify("textDocument/didChange", map[string]any{
		"textDocument": protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: doc, Version: 2},
		"contentChanges": []any{map[string]any{
			"range": protocol.Range{Start: typo, End: protocol.Position{Line: typo.Line, Character: typo.Character + 4}},
			"text":  "mkae",
		}},
	})
	p := c.nextDiagnostics()
	if len(p.Diagnostics) != 1 {
		t.Fatalf("after the typo: %+v, want one diagnostic", p.Diagnostics)
	}
	d := p.Diagnostics[0]
	edited := strings.Replace(mainAqua, "make(name)", "mkae(name)", 1)
	_, want := aqua.CheckSource(aqua.Config{}, path, []byte(edited))
	if len(want) != 1 || !strings.HasPrefix(d.Message, want[0].Msg) || d.Range.Start != typo || *d.Severity != protocol.DiagnosticSeverityError {
		t.Errorf("diagnostic %+v at %+v, want the compiler's %v at %+v", d.Message, d.Range.Start, want, typo)
	}
	if !strings.Contains(d.Message, "make") {
		t.Errorf("diagnostic %q does not suggest make", d.Message)
	}

	// Undo it.
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: doc, Version: 3},
		"contentChanges": []any{map[string]any{"text": mainAqua}},
	})
	if p := c.nextDiagnostics(); len(p.Diagnostics) != 0 {
		t.Fatalf("after undo: %+v", p.Diagnostics)
	}

	// Hover: the type of a value, and of an imported function.
	hoverAt := func(pos protocol.Position) string {
		var h struct {
			Contents protocol.MarkupContent `json:"contents"`
		}
		c.call("textDocument/hover", protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: doc, Position: pos}}, &h)
		return h.Contents.Value
	}
	if got := hoverAt(at(mainAqua, "g <-", 1, 0)); !strings.Contains(got, "g: Greeting") {
		t.Errorf("hover on g: %q, want g: Greeting", got)
	}
	if got := hoverAt(at(mainAqua, "make(", 1, 2)); !strings.Contains(got, "func make(text: string) -> Greeting") {
		t.Errorf("hover on make: %q", got)
	}
	if got := hoverAt(at(mainAqua, "Greeter.", 1, 1)); !strings.Contains(got, `service Greeter("greeter")`) || !strings.Contains(got, "shout") {
		t.Errorf("hover on Greeter: %q", got)
	}

	// Definition across the import.
	var loc protocol.Location
	c.call("textDocument/definition", protocol.DefinitionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: doc, Position: at(mainAqua, "make(", 1, 1)}}, &loc)
	lib := filepath.Join(dir, "lib", "greet.aqua")
	libText, err := os.ReadFile(lib)
	if err != nil {
		t.Fatal(err)
	}
	if loc.URI != pathURI(lib) || loc.Range.Start != at(string(libText), "make", 1, 0) {
		t.Errorf("definition of make: %+v, want %s at %+v", loc, pathURI(lib), at(string(libText), "make", 1, 0))
	}

	// Completion: service arrows, struct fields, names.
	complete := func(text string, pos protocol.Position) []string {
		c.notify("textDocument/didChange", map[string]any{
			"textDocument":   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: doc, Version: 4},
			"contentChanges": []any{map[string]any{"text": text}},
		})
		c.nextDiagnostics()
		var items []protocol.CompletionItem
		c.call("textDocument/completion", protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: doc, Position: pos}}, &items)
		var labels []string
		for _, it := range items {
			labels = append(labels, it.Label)
		}
		slices.Sort(labels)
		return labels
	}
	typing := strings.Replace(mainAqua, "  <- r\n", "  x <- Greeter.\n  <- r\n", 1)
	if got := complete(typing, at(typing, "Greeter.\n", 1, len("Greeter."))); !slices.Equal(got, []string{"greet", "shout"}) {
		t.Errorf("completion after Greeter.: %q", got)
	}
	typing = strings.Replace(mainAqua, "  <- r\n", "  y = g.t\n  <- r\n", 1)
	if got := complete(typing, at(typing, "g.t\n", 1, len("g.t"))); !slices.Equal(got, []string{"text"}) {
		t.Errorf("completion after g.t: %q", got)
	}
	typing = strings.Replace(mainAqua, "  <- r\n", "  z = na\n  <- r\n", 1)
	if got := complete(typing, at(typing, "na\n", 1, 2)); !slices.Contains(got, "name") {
		t.Errorf("completion of na: %q, want name", got)
	}
	typing = strings.Replace(mainAqua, "  <- r\n", "  w <- ma\n  <- r\n", 1)
	if got := complete(typing, at(typing, "ma\n", 1, 2)); !slices.Equal(got, []string{"make"}) {
		t.Errorf("completion of ma: %q, want make", got)
	}

	// Document symbols.
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: doc, Version: 5},
		"contentChanges": []any{map[string]any{"text": mainAqua}},
	})
	c.nextDiagnostics()
	var syms []protocol.DocumentSymbol
	c.call("textDocument/documentSymbol", protocol.DocumentSymbolParams{TextDocument: doc}, &syms)
	if len(syms) != 1 || syms[0].Name != "hello" || syms[0].Kind != protocol.SymbolKindFunction || syms[0].Detail == nil || *syms[0].Detail != "(name: string) -> string" {
		t.Errorf("symbols: %+v", syms)
	}

	// Formatting with the formatter of aquarium fmt.
	messy := strings.Replace(mainAqua, "g <- make(name)", "g<-make( name )", 1)
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: doc, Version: 6},
		"contentChanges": []any{map[string]any{"text": messy}},
	})
	c.nextDiagnostics()
	var edits []protocol.TextEdit
	c.call("textDocument/formatting", protocol.DocumentFormattingParams{TextDocument: doc}, &edits)
	if len(edits) != 1 || applyEdit(messy, &edits[0].Range, edits[0].NewText) != mainAqua {
		t.Errorf("formatting: %+v, want the file as it was", edits)
	}

	var none any
	c.call("shutdown", nil, &none)
}

// TestUTF16 checks positions past characters outside the BMP, which
// LSP counts as two units.
func TestUTF16(t *testing.T) {
	text := "-- 😀 é\nfunc f():\n"
	p := protocol.Position{Line: 0, Character: 5}
	if off := offsetOf(text, p); text[off:off+1] != " " {
		t.Errorf("offset of %+v: %d (%q)", p, off, text[off:])
	}
	if got := applyEdit(text, &protocol.Range{Start: p, End: protocol.Position{Line: 0, Character: 7}}, "!"); got != "-- 😀!\nfunc f():\n" {
		t.Errorf("edit: %q", got)
	}
	if e := endPos(text); e != (protocol.Position{Line: 2}) {
		t.Errorf("end: %+v", e)
	}
}

// FuzzApplyEdit edits text at positions an editor may send, including
// ones past the end of a line or of the file: the result is always
// the text before the start, the new text, and the text after the end.
func FuzzApplyEdit(f *testing.F) {
	f.Add("aqua M\n\nfunc f():\n  Op.noop()\n", uint32(2), uint32(2), uint32(3), uint32(4), "x")
	f.Add("-- 😀 é\n", uint32(0), uint32(3), uint32(0), uint32(5), "")
	f.Add("", uint32(9), uint32(9), uint32(0), uint32(0), "new")
	f.Fuzz(func(t *testing.T, text string, l1, c1, l2, c2 uint32, with string) {
		if !utf8.ValidString(text) {
			return
		}
		rng := &protocol.Range{Start: protocol.Position{Line: l1 % 64, Character: c1 % 256}, End: protocol.Position{Line: l2 % 64, Character: c2 % 256}}
		start, end := offsetOf(text, rng.Start), offsetOf(text, rng.End)
		if start < 0 || start > len(text) || end < 0 || end > len(text) {
			t.Fatalf("offsets %d, %d out of %d", start, end, len(text))
		}
		got := applyEdit(text, rng, with)
		lo, hi := min(start, end), max(start, end)
		if got != text[:lo]+with+text[hi:] {
			t.Fatalf("applyEdit(%q, %+v, %q) = %q", text, rng, with, got)
		}
		if !utf8.ValidString(got) && utf8.ValidString(with) {
			t.Fatalf("split a character: %q", got)
		}
	})
}
