package main

import (
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/spf13/pflag"
)

// TestInterpretationLimitFlags: the node's flags bound each
// interpretation, with the interpreter's defaults when not given, and
// refuse sizes they cannot take.
func TestInterpretationLimitFlags(t *testing.T) {
	parse := func(args ...string) (avm.Limits, error) {
		var l limitFlags
		fl := pflag.NewFlagSet("node", pflag.ContinueOnError)
		l.register(fl)
		if err := fl.Parse(args); err != nil {
			t.Fatal(err)
		}
		return l.interpretation()
	}
	got, err := parse()
	if err != nil {
		t.Fatal(err)
	}
	if want := (avm.Limits{Steps: avm.DefaultSteps, ValueSize: avm.DefaultValueSize, DataSize: avm.DefaultDataSize}); got != want {
		t.Errorf("defaults %+v, want %+v", got, want)
	}
	got, err = parse("--max-steps", "500", "--max-value-size", "1KiB", "--max-data-size", "2MiB")
	if err != nil {
		t.Fatal(err)
	}
	if want := (avm.Limits{Steps: 500, ValueSize: 1024, DataSize: 2 << 20}); got != want {
		t.Errorf("given %+v, want %+v", got, want)
	}
	for _, args := range [][]string{
		{"--max-steps", "0"},
		{"--max-value-size", "lots"},
		{"--max-data-size", "0"},
		{"--max-data-size", "3GiB"},
	} {
		if _, err := parse(args...); err == nil || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("%v: error %v, want one naming the flag", args, err)
		}
	}
}
