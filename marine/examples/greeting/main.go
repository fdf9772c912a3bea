// Command greeting is a Marine service written in Go: one function that
// greets, and one that says who is calling. Build it with
//
//	aquarium marine build marine/examples/greeting -o greeting.wasm
package main

import "github.com/aquarium-p2p/aquarium/marine/sdk"

// Greeting returns a greeting for name.
func Greeting(name string) string {
	sdk.Log(sdk.LevelInfo, "greeting "+name)
	return "Hi, " + name
}

// Caller names the peer that started the particle of this call.
func Caller() string {
	return sdk.GetCallParameters().Particle.InitPeerID
}

func main() {}
