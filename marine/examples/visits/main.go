// Command visits is the facade of a two-module Marine service written in
// Go: it keeps its state in the kv module (marine/examples/kv), which it
// imports by module name, and every value crosses between the two
// modules as the reference runtime copies it. Build both modules and
// call the service through its Config.toml:
//
//	aquarium marine build marine/examples/kv -o marine/examples/visits/artifacts/kv.wasm
//	aquarium marine build marine/examples/visits -o marine/examples/visits/artifacts/visits.wasm
//	aquarium marine call marine/examples/visits/Config.toml visit '["Marine"]'
package main

import "strconv"

// Entry is one key and its value, laid out as kv's Entry.
type Entry struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Stats mirror kv's summary of the store.
type Stats struct {
	Count   uint64   `json:"count"`
	Keys    []string `json:"keys"`
	Largest Entry    `json:"largest"`
}

// kv is the storage module, loaded before this one in the service.
//
//marine:import kv
var kv struct {
	Put     func(key string, value string) bool
	PutAll  func(entries []Entry) uint32
	Get     func(key string) []string
	Delete  func(key string) bool
	List    func() []Entry
	Summary func() Stats
	Bytes   func(data []byte) []byte
	Sum     func(a int8, b uint16, c int64, d float64) float64
}

// Visit greets name and counts how often it came by.
func Visit(name string) string {
	n := 0
	if v := kv.Get(name); len(v) == 1 {
		n, _ = strconv.Atoi(v[0])
	}
	n++
	kv.Put(name, strconv.Itoa(n))
	if n == 1 {
		return "Hi, " + name
	}
	return "Hi again, " + name + " (visit " + strconv.Itoa(n) + ")"
}

// Remember stores entries in bulk and returns how many keys are stored.
func Remember(entries []Entry) uint32 {
	return kv.PutAll(entries)
}

// Forget removes key and reports whether it was there.
func Forget(key string) bool {
	return kv.Delete(key)
}

// Visitors lists every stored entry.
func Visitors() []Entry {
	return kv.List()
}

// Describe summarises the store.
func Describe() Stats {
	return kv.Summary()
}

// Mirror reverses bytes through kv.
func Mirror(data []byte) []byte {
	return kv.Bytes(data)
}

// Total adds numbers of several widths through kv.
func Total(a int8, b uint16, c int64, d float64) float64 {
	return kv.Sum(a, b, c, d)
}

func main() {}
