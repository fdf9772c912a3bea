// Package sdk is for writing Marine services in Go. A service is a main
// package whose exported functions (no receiver) become the module's
// interface: their parameters and results may be strings, booleans,
// sized integers, floats, slices (a []byte is a byte array) and structs
// of those, declared in the same package.
//
//	package main
//
//	// Greeting says hello.
//	func Greeting(name string) string { return "Hi, " + name }
//
//	func main() {}
//
// `aquarium marine build DIR -o greeting.wasm` generates the Wasm exports
// for those functions, builds with GOOS=wasip1 GOARCH=wasm
// -buildmode=c-shared and writes the interface-types and SDK version
// sections, so the module loads in this runtime and in the reference one.
// Function names become snake_case ("PutValue" is put_value), struct
// fields take their json tag or their snake_case name.
//
// A module calls the functions of a module loaded before it in the same
// service (its dependency, named in the service's Config.toml) through a
// package-level variable of struct type marked with //marine:import and
// the dependency's module name. Each field is a function of the
// dependency, named by its snake_case field name or a `marine:"name"`
// tag; records it takes or returns are structs of this package laid out
// as the dependency's:
//
//	//marine:import kv
//	var kv struct {
//		Put func(key string, value string) bool
//		Get func(key string) []string
//	}
//
// The build fills the fields in when the module starts; values are
// copied between the modules' memories, as the reference runtime does.
// In ordinary Go builds the fields stay nil, so unit tests of a service
// can set fakes. The same directive with a host API namespace
// (__marine_host_api_v3, or the older host, __marine_host_api_v1 and v2)
// imports host functions, such as a mounted binary:
//
//	type MountedBinaryResult struct {
//		RetCode int32
//		Error   string
//		Stdout  []byte
//		Stderr  []byte
//	}
//
//	//marine:import __marine_host_api_v3
//	var host struct {
//		Echo func(args []string) MountedBinaryResult
//	}
//
// This package provides the ABI the runtime calls (allocate,
// release_objects, get/set_result_ptr/size), the memory layout of values,
// and the host API: call parameters and logging.
package sdk

// Version is the Marine SDK version the modules declare: the ABI and host
// API (__marine_host_api_v3) of the reference Rust SDK 0.14.
const Version = "0.14.0"
