//go:build wasip1

package sdk

import "runtime"

//go:wasmimport __marine_host_api_v3 get_call_parameters
func getCallParameters()

//go:wasmimport __marine_host_api_v3 log_utf8_string
func logUTF8String(level, target int32, ptr, n uint32)

// GetCallParameters returns the parameters of the call in progress.
func GetCallParameters() CallParameters {
	getCallParameters()
	var p CallParameters
	Arg(resultPtr, 0, &p)
	return p
}

// Log writes msg into the host's log at level.
func Log(level int32, msg string) {
	if msg == "" {
		return
	}
	b := []byte(msg)
	logUTF8String(level, 0, addr(b), uint32(len(b)))
	runtime.KeepAlive(b)
}
