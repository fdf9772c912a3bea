package marine

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/tetratelabs/wazero/api"

	"github.com/aquarium-p2p/aquarium/marine/lilo"
)

// Where a module's log record came from.
const (
	// SourceLog is the host API's log_utf8_string.
	SourceLog = "log"
	// SourceStdout and SourceStderr are lines a module wrote through WASI.
	SourceStdout = "stdout"
	SourceStderr = "stderr"
)

// LogRecord is one message of a module: a log_utf8_string call or a line
// it wrote to stdout or stderr.
type LogRecord struct {
	// Service is the service's id (ServiceOptions.ID).
	Service string
	// Module is the name of the module that logged.
	Module string
	// ParticleID is that of the call in progress (CallParameters), empty
	// while the service starts.
	ParticleID string
	// Source is SourceLog, SourceStdout or SourceStderr.
	Source string
	// Level is the record's level: the SDK's level for log_utf8_string
	// (trace maps below debug), info for stdout, warn for stderr.
	Level   slog.Level
	Message string
}

// logLevels maps the SDK's levels (1 error .. 5 trace) to slog levels.
var logLevels = map[uint32]slog.Level{1: slog.LevelError, 2: slog.LevelWarn, 3: slog.LevelInfo, 4: slog.LevelDebug, 5: slog.LevelDebug - 4}

// emitLog sends a module's message to the runtime's logger and to the
// embedder's OnLog. It runs on the goroutine of the call, which holds
// s.mu, so reading s.params is safe.
func (s *Service) emitLog(ctx context.Context, module, source string, level slog.Level, msg string) {
	attrs := []slog.Attr{slog.String("module", module), slog.String("service", s.opts.ID)}
	if source != SourceLog {
		attrs = append(attrs, slog.String("stream", source))
	}
	s.rt.logger.LogAttrs(ctx, level, msg, attrs...)
	if s.rt.opts.OnLog != nil {
		s.rt.opts.OnLog(LogRecord{Service: s.opts.ID, Module: module, ParticleID: s.params.ParticleID,
			Source: source, Level: level, Message: msg})
	}
}

func (s *Service) logString(m *module, mask int32) api.GoModuleFunc {
	return func(ctx context.Context, _ api.Module, stack []uint64) {
		level, target := api.DecodeU32(stack[0]), api.DecodeI32(stack[1])
		msg, err := lilo.NewLifter(m.mem, m.section).String(api.DecodeU32(stack[2]), api.DecodeU32(stack[3]))
		if err != nil {
			panic(fmt.Errorf("log_utf8_string: %w", err))
		}
		if target != 0 && target&mask == 0 {
			return
		}
		lvl, ok := logLevels[level]
		if !ok {
			lvl = slog.LevelInfo
		}
		s.emitLog(ctx, m.name, SourceLog, lvl, msg)
	}
}

// maxLine bounds a buffered line; longer ones are logged in pieces.
const maxLine = 64 << 10

// lineLogger turns a module's stdout or stderr into log records, one per
// line. The service flushes what is left of a line after every call.
type lineLogger struct {
	mu     sync.Mutex
	svc    *Service
	module string
	source string
	buf    []byte
}

// logWriter returns the stdout or stderr writer of a module and keeps it
// for flushing.
func (s *Service) logWriter(module, source string) *lineLogger {
	l := &lineLogger{svc: s, module: module, source: source}
	s.writers = append(s.writers, l)
	return l
}

func (l *lineLogger) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			if len(l.buf) >= maxLine {
				l.emit(l.buf)
				l.buf = l.buf[:0]
			}
			return len(p), nil
		}
		l.emit(l.buf[:i])
		l.buf = l.buf[i+1:]
	}
}

// flush logs a pending partial line.
func (l *lineLogger) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 {
		l.emit(l.buf)
		l.buf = l.buf[:0]
	}
}

func (l *lineLogger) emit(line []byte) {
	level := slog.LevelInfo
	if l.source == SourceStderr {
		level = slog.LevelWarn
	}
	l.svc.emitLog(context.Background(), l.module, l.source, level, string(line))
}
