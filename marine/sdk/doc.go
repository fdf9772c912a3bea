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
// This package provides the ABI the runtime calls (allocate,
// release_objects, get/set_result_ptr/size), the memory layout of values,
// and the host API: call parameters and logging.
package sdk

// Version is the Marine SDK version the modules declare: the ABI and host
// API (__marine_host_api_v3) of the reference Rust SDK 0.14.
const Version = "0.14.0"
