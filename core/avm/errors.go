package avm

import (
	"fmt"

	"github.com/aquarium-p2p/aquarium/core/avm/value"
)

// Return codes. They follow the reference interpreter so that hosts and
// tests can compare them: preparation errors 1..10, catchable errors from
// 10000, uncatchable from 20000, farewell errors from 30000.
const (
	CodeAIRParse               = 1
	CodeDataDecode             = 2
	CodeEnvelopeDecode         = 3
	CodeCallResultsDecode      = 5
	CodeUnsupportedVersion     = 6
	CodeMalformedKeyPair       = 7
	CodeStoreVerification      = 8
	CodeSignatureCheck         = 9
	CodeLocalServiceError      = 10000
	CodeMatchValuesNotEqual    = 10001
	CodeMismatchValuesEqual    = 10002
	CodeVariableNotFound       = 10003
	CodeFoldOverNonArray       = 10005
	CodeUserError              = 10006
	CodeLensError              = 10007
	CodeInvalidErrorObject     = 10008
	CodeUninitializedAfterNew  = 10009
	CodeLengthOnNonArray       = 10010
	CodeNonStringInTriplet     = 10011
	CodeStreamMapError         = 10012
	CodeTraceError             = 20000
	CodeGenerationCompaction   = 20001
	CodeFoldStateNotFound      = 20003
	CodeIterableShadowing      = 20004
	CodeMultipleIterableValues = 20005
	CodeResultNotMatchingInstr = 20006
	CodeShadowingNotAllowed    = 20007
	CodeScalarsStateCorrupted  = 20008
	CodeValueForCIDNotFound    = 20010
	CodeNoSuchGeneration       = 20011
	CodeMalformedFailedResult  = 20012
	CodeStreamSizeLimit        = 20013
	CodeStreamMapKey           = 20014
	CodeParametersMismatch     = 20017
	CodeUnprocessedCallResults = 30000
)

// StreamMaxSize bounds the number of values in one stream, so that a
// stream fold that appends to its own stream cannot run forever.
const StreamMaxSize = 1024

// execError is an error raised while running a script.
type execError struct {
	code int64
	msg  string
	// variable is set, in place of msg, by errVariableNotFound: such an
	// error mostly means "not yet" (see joinable) and its message is
	// seldom read, so it is made when it is.
	variable  string
	catchable bool
}

func (e *execError) Error() string { return e.message() }

// message is the error's message.
func (e *execError) message() string {
	if e.variable != "" {
		return fmt.Sprintf("variable with name '%s' wasn't defined during script execution", e.variable)
	}
	return e.msg
}

// joinable errors mean "not yet": a variable some other branch or peer
// has still to define. The instruction waits instead of failing.
func (e *execError) joinable() bool { return e.code == CodeVariableNotFound }

// affectsLastError: match and mismatch failures steer xor but are not
// errors a script should report, so they leave %last_error% alone.
func (e *execError) affectsLastError() bool {
	return e.catchable && e.code != CodeMatchValuesNotEqual && e.code != CodeMismatchValuesEqual
}

func catchable(code int64, format string, args ...any) *execError {
	return &execError{code: code, msg: fmt.Sprintf(format, args...), catchable: true}
}

func uncatchable(code int64, format string, args ...any) *execError {
	return &execError{code: code, msg: fmt.Sprintf(format, args...)}
}

func asExec(err error) *execError {
	if e, ok := err.(*execError); ok {
		return e
	}
	return uncatchable(CodeTraceError, "%v", err)
}

func isCatchable(err error) bool { return asExec(err).catchable }

func isJoinable(err error) bool {
	e, ok := err.(*execError)
	return ok && e.joinable()
}

func errVariableNotFound(name string) *execError {
	return &execError{code: CodeVariableNotFound, variable: name, catchable: true}
}

func errUninitialized(name string) *execError {
	return catchable(CodeUninitializedAfterNew, "variable with name '%s' was cleared by new and then wasn't set", name)
}

func errLocalService(retCode int64, msg string) *execError {
	return catchable(CodeLocalServiceError, "Local service error, ret_code is %d, error message is '%s'", retCode, msg)
}

func errLens(format string, args ...any) *execError {
	return catchable(CodeLensError, format, args...)
}

func errTrace(instr string, err error) *execError {
	return uncatchable(CodeTraceError, "on instruction '%s' trace handler encountered an error: %v", instr, err)
}

func errUser(obj value.Value) *execError {
	return catchable(CodeUserError, "fail with '%s' is used without corresponding xor", value.String(obj))
}
