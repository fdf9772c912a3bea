//go:build !wasip1

package sdk

import (
	"fmt"
	"os"
)

// GetCallParameters returns the parameters of the call in progress.
// Outside a Marine runtime (in unit tests of a service) there is no call,
// and the parameters are empty.
func GetCallParameters() CallParameters { return CallParameters{} }

// Log writes msg into the host's log at level. Outside a Marine runtime
// it goes to standard error.
func Log(level int32, msg string) {
	fmt.Fprintf(os.Stderr, "marine log level %d: %s\n", level, msg)
}
