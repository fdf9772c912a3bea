package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"io"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tliron/glsp"
)

// Serve speaks LSP over one stream (stdin and stdout for an editor, a
// pipe in tests) until the stream closes or the client sends exit.
func Serve(ctx context.Context, stream io.ReadWriteCloser, s *Server) error {
	stream = &exitCloser{stream}
	conn := jsonrpc2.NewConn(ctx, jsonrpc2.NewBufferedStream(stream, jsonrpc2.VSCodeObjectCodec{}), rpcHandler{s})
	select {
	case <-conn.DisconnectNotify():
	case <-ctx.Done():
		conn.Close()
	}
	return nil
}

// exitCloser is a stream Serve may close twice.
type exitCloser struct{ io.ReadWriteCloser }

// rpcHandler runs each request through the protocol handler in order,
// so that edits and the queries after them are seen in the order sent.
type rpcHandler struct{ s *Server }

func (h rpcHandler) Handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) {
	gctx := &glsp.Context{
		Method: req.Method,
		Notify: func(method string, params any) { _ = conn.Notify(ctx, method, params) },
		Call:   func(method string, params, result any) { _ = conn.Call(ctx, method, params, result) },
	}
	if req.Params != nil {
		gctx.Params = *req.Params
	}
	if req.Method == "exit" {
		conn.Close()
		return
	}
	result, validMethod, validParams, err := h.s.handler.Handle(gctx)
	if req.Notif {
		return
	}
	var rpcErr *jsonrpc2.Error
	switch {
	case !validMethod:
		rpcErr = &jsonrpc2.Error{Code: jsonrpc2.CodeMethodNotFound, Message: "method not supported: " + req.Method}
	case !validParams:
		rpcErr = &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: "invalid parameters"}
	case err != nil:
		rpcErr = &jsonrpc2.Error{Code: jsonrpc2.CodeInternalError, Message: err.Error()}
		var re *jsonrpc2.Error
		if errors.As(err, &re) {
			rpcErr = re
		}
	}
	if rpcErr != nil {
		_ = conn.ReplyWithError(ctx, req.ID, rpcErr)
		return
	}
	if result == nil {
		_ = conn.Reply(ctx, req.ID, json.RawMessage("null"))
		return
	}
	_ = conn.Reply(ctx, req.ID, result)
}
