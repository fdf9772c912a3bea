package avmtest

import (
	"encoding/json"
	"fmt"

	"github.com/aquarium-p2p/aquarium/core/avm"
)

// Service answers the call requests of one peer.
type Service func(req avm.CallRequest) avm.CallResult

// one is a network of the init peer alone, echoing.
var one = map[string]Service{"a": Echo}

// OK answers v, marshalled to JSON; v must marshal.
func OK(v any) avm.CallResult {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return avm.CallResult{Result: string(b)}
}

// Echo returns its first argument, or null without arguments.
func Echo(req avm.CallRequest) avm.CallResult {
	if len(req.Arguments) == 0 {
		return avm.CallResult{Result: "null"}
	}
	return avm.CallResult{Result: string(req.Arguments[0])}
}

// unit returns a fixed string.
func unit(avm.CallRequest) avm.CallResult { return OK("result from unit_call_service") }

// Returns makes a service that always answers v.
func Returns(v any) Service { return func(avm.CallRequest) avm.CallResult { return OK(v) } }

// fallible fails calls to service svc and answers others.
func fallible(svc string) Service {
	return func(req avm.CallRequest) avm.CallResult {
		if req.ServiceID == svc {
			return avm.CallResult{RetCode: 1, Result: `"failed result from fallible_call_service"`}
		}
		return OK("success result from fallible_call_service")
	}
}

// ByFunction makes a service that answers with the service of the called
// function's name, echoing for any other.
func ByFunction(fns map[string]Service) Service {
	return func(req avm.CallRequest) avm.CallResult {
		if f, ok := fns[req.FunctionName]; ok {
			return f(req)
		}
		return Echo(req)
	}
}

// inc answers its argument, a number, plus one.
func inc(req avm.CallRequest) avm.CallResult {
	var n int
	if _, err := fmt.Sscan(string(req.Arguments[0]), &n); err != nil {
		return avm.CallResult{RetCode: 1, Result: err.Error()}
	}
	return OK(n + 1)
}

// tetraplets answers with the tetraplets of its arguments.
func tetraplets(req avm.CallRequest) avm.CallResult { return OK(req.Tetraplets) }
