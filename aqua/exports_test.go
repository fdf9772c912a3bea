package aqua

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/aquarium-p2p/aquarium/aqua/types"
)

// TestHostExports checks which functions a file gives the host, and
// under which names: its own exports and those of the modules it
// imports, as the reference compiler (aqua-api 0.14.6) outputs them.
func TestHostExports(t *testing.T) {
	fsys := fstest.MapFS{
		"println.aqua": {Data: []byte(`aqua Println declares *

export Println, print

service Println("println-service-id"):
    print: string -> ()

func print(str: string):
    Println.print(str)
`)},
		"exports.aqua": {Data: []byte(`aqua Exports declares some_string, some_random_func

export some_string as string_from_lib

func some_string() -> string:
    <- "some_string_func"

func some_random_func() -> string:
    <- "wow, so random"
`)},
		"deep.aqua": {Data: []byte(`aqua Deep declares *

export deep as deep_c

func deep() -> string:
    <- "deep"
`)},
		"mid.aqua": {Data: []byte(`aqua Mid declares *

import "deep.aqua"

export fromMid, hidden as h

func fromMid() -> string:
    <- "mid"

func hidden() -> string:
    <- "hidden"
`)},
		"used.aqua": {Data: []byte(`aqua Used declares *

export fromUsed

func fromUsed() -> string:
    <- "used"
`)},
		"whole.aqua": {Data: []byte(`aqua Whole

import "println.aqua"

export main

func main() -> string:
    print("x")
    <- "main"
`)},
		"picked.aqua": {Data: []byte(`aqua Picked

import some_string from "exports.aqua"

export main

func main() -> string:
    <- some_string()
`)},
		"renamed.aqua": {Data: []byte(`aqua Renamed

import some_string, some_random_func from "exports.aqua"

export some_string as some_str, some_random_func
`)},
		"transitive.aqua": {Data: []byte(`aqua Transitive

import fromMid, deep from "mid.aqua"
use "used.aqua"

export main, fromMid as again

func main() -> string:
    <- Used.fromUsed()
`)},
	}
	tests := []struct {
		file string
		want []string // host names
	}{
		// import "x": x's exported functions come along.
		{"whole.aqua", []string{"main", "print"}},
		// import a from "x": so does x's export list, named as x names it.
		{"picked.aqua", []string{"main", "string_from_lib"}},
		// A function both modules rename keeps both names, joined.
		{"renamed.aqua", []string{"string_from_libsome_str", "some_random_func"}},
		// Through a module that imports it, when the name is in sight;
		// never from a module brought in by use.
		{"transitive.aqua", []string{"main", "again", "deep_c"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			prog, diags := Check(Config{FS: fsys}, tt.file)
			if err := diags.Err(); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ex := range prog.Roots[0].Module.Exports {
				if ex.Object.Kind == types.FuncObj {
					got = append(got, ex.Name)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("exported functions %v, want %v", got, tt.want)
			}
		})
	}
}

// TestHostExportsTwice checks that two functions exported under one name
// are an error. The reference compiler outputs one of them and drops the
// other; which one a host calls is not left to chance here.
func TestHostExportsTwice(t *testing.T) {
	fsys := fstest.MapFS{
		"lib.aqua":      {Data: []byte("aqua Lib declares *\n\nexport hello\n\nfunc hello() -> string:\n  <- \"lib\"\n")},
		"own.aqua":      {Data: []byte("aqua Own\n\nexport f as x, g as x\n\nfunc f() -> string:\n  <- \"f\"\n\nfunc g() -> string:\n  <- \"g\"\n")},
		"imported.aqua": {Data: []byte("aqua Imported\n\nimport \"lib.aqua\"\n\nexport mine as hello\n\nfunc mine() -> string:\n  <- hello()\n")},
		"same.aqua":     {Data: []byte("aqua Same\n\nimport \"lib.aqua\"\n\nexport hello\n")},
	}
	tests := []struct {
		file, want string // want: "" for no error
	}{
		{"own.aqua", "own.aqua:3:16: two functions are exported as x: f and g"},
		{"imported.aqua", "imported.aqua:5:8: two functions are exported as hello: mine and hello"},
		{"same.aqua", ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, diags := Check(Config{FS: fsys}, tt.file)
			switch {
			case tt.want == "" && diags.HasErrors():
				t.Errorf("unexpected error: %v", diags.Err())
			case tt.want != "" && (!diags.HasErrors() || !strings.Contains(diags.Error(), tt.want)):
				t.Errorf("got %v, want an error containing %q", diags, tt.want)
			}
		})
	}
}
