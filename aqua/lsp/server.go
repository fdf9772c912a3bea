// Package lsp is Aquarium's language server: diagnostics as you type
// (the compiler's own list), hover with types, go to definition across
// imports, completion of names, fields and service arrows, document
// symbols and formatting with the formatter of `aquarium fmt`. It
// speaks the Language Server Protocol (3.16) through
// github.com/tliron/glsp over any stream: `aquarium lsp` serves it on
// stdin and stdout.
//
// The server checks every open file in one aqua.Workspace: an edit
// re-checks the edited file from its text, re-parsing only the
// declarations the edit touched, and the modules it imports come from
// what the Workspace kept, checked again only when they change. A
// keystroke in a 5,000-line file costs 3-5 ms of CPU
// (BenchmarkKeystroke5000).
package lsp

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// GCPercent is the garbage collector setting the server runs best
// with (runtime/debug.SetGCPercent), as `aquarium lsp` sets it: a check
// allocates a few megabytes that die together, and at the default of
// 100 the collector runs after nearly every keystroke, which costs more
// than the check itself. 400 halves the CPU time of a keystroke in a
// 5,000-line file (BenchmarkKeystroke5000) for a heap of tens of MB.
const GCPercent = 400

// Server holds the open documents of one editor and the Workspace that
// checks them.
type Server struct {
	ws      *aqua.Workspace
	handler protocol.Handler

	mu   sync.Mutex
	docs map[protocol.DocumentUri]*document
}

// New returns a server that checks files with cfg (import paths and
// constants, as for `aquarium compile`).
func New(cfg aqua.Config) *Server {
	s := &Server{ws: aqua.NewWorkspace(cfg), docs: map[protocol.DocumentUri]*document{}}
	s.handler = protocol.Handler{
		Initialize:                 s.initialize,
		Initialized:                func(*glsp.Context, *protocol.InitializedParams) error { return nil },
		Shutdown:                   func(*glsp.Context) error { return nil },
		SetTrace:                   func(*glsp.Context, *protocol.SetTraceParams) error { return nil },
		TextDocumentDidOpen:        s.didOpen,
		TextDocumentDidChange:      s.didChange,
		TextDocumentDidClose:       s.didClose,
		TextDocumentHover:          s.hover,
		TextDocumentDefinition:     s.definition,
		TextDocumentCompletion:     s.completion,
		TextDocumentDocumentSymbol: s.documentSymbol,
		TextDocumentFormatting:     s.formatting,
	}
	return s
}

const serverName = "aquarium"

func (s *Server) initialize(_ *glsp.Context, _ *protocol.InitializeParams) (any, error) {
	caps := s.handler.CreateServerCapabilities()
	caps.CompletionProvider = &protocol.CompletionOptions{TriggerCharacters: []string{"."}}
	return protocol.InitializeResult{
		Capabilities: caps,
		ServerInfo:   &protocol.InitializeResultServerInfo{Name: serverName},
	}, nil
}

func (s *Server) didOpen(ctx *glsp.Context, p *protocol.DidOpenTextDocumentParams) error {
	d := &document{uri: p.TextDocument.URI, path: uriPath(p.TextDocument.URI), text: p.TextDocument.Text}
	s.mu.Lock()
	s.docs[d.uri] = d
	s.mu.Unlock()
	s.check(ctx, d)
	return nil
}

func (s *Server) didChange(ctx *glsp.Context, p *protocol.DidChangeTextDocumentParams) error {
	d := s.doc(p.TextDocument.URI)
	if d == nil {
		return fmt.Errorf("change to %s, which is not open", p.TextDocument.URI)
	}
	for _, c := range p.ContentChanges {
		switch c := c.(type) {
		case protocol.TextDocumentContentChangeEvent:
			d.text = applyEdit(d.text, c.Range, c.Text)
		case protocol.TextDocumentContentChangeEventWhole:
			d.text = c.Text
		}
	}
	s.check(ctx, d)
	return nil
}

func (s *Server) didClose(ctx *glsp.Context, p *protocol.DidCloseTextDocumentParams) error {
	s.mu.Lock()
	delete(s.docs, p.TextDocument.URI)
	s.mu.Unlock()
	// The problems of a closed file are no longer shown.
	ctx.Notify(protocol.ServerTextDocumentPublishDiagnostics, protocol.PublishDiagnosticsParams{
		URI: p.TextDocument.URI, Diagnostics: []protocol.Diagnostic{},
	})
	return nil
}

func (s *Server) doc(uri protocol.DocumentUri) *document {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.docs[uri]
}

// check re-checks a document and publishes its diagnostics: those the
// compiler reports in this file.
func (s *Server) check(ctx *glsp.Context, d *document) {
	d.analyse(s.ws)
	ctx.Notify(protocol.ServerTextDocumentPublishDiagnostics, protocol.PublishDiagnosticsParams{
		URI: d.uri, Diagnostics: d.lspDiagnostics(),
	})
}

// Diagnostics returns what the compiler reports for src as the file
// name: the list a keystroke publishes.
func (s *Server) Diagnostics(name, src string) []protocol.Diagnostic {
	d := &document{path: name, text: src}
	d.analyse(s.ws)
	return d.lspDiagnostics()
}

func (d *document) lspDiagnostics() []protocol.Diagnostic {
	out := []protocol.Diagnostic{}
	for _, x := range d.diags {
		if x.Pos.Filename != d.path {
			continue
		}
		sev := protocol.DiagnosticSeverityError
		if x.Severity == diag.Warning {
			sev = protocol.DiagnosticSeverityWarning
		}
		start := d.lspPos(x.Pos.Line, x.Pos.Column)
		end := start
		if x.End.IsValid() && x.End.Filename == x.Pos.Filename {
			end = d.lspPos(x.End.Line, x.End.Column)
		}
		msg := x.Msg
		if len(x.Suggest) > 0 {
			msg += " (did you mean " + strings.Join(x.Suggest, ", ") + "?)"
		}
		source := serverName
		out = append(out, protocol.Diagnostic{
			Range: protocol.Range{Start: start, End: end}, Severity: &sev, Source: &source, Message: msg,
		})
	}
	return out
}

// uriPath turns a file URI into a path; other URIs are kept as names.
func uriPath(uri protocol.DocumentUri) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return uri
	}
	return filepath.FromSlash(u.Path)
}

// pathURI turns a path into a file URI.
func pathURI(path string) protocol.DocumentUri {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}
