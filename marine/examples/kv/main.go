// Command kv is a small key-value store as a Marine service written in
// Go, with records and arrays in its interface. Its state lives in the
// module's memory for as long as the service runs. Build it with
//
//	aquarium marine build marine/examples/kv -o kv.wasm
package main

import "sort"

// Entry is one key and its value.
type Entry struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Stats summarise the store.
type Stats struct {
	Count   uint64   `json:"count"`
	Keys    []string `json:"keys"`
	Largest Entry    `json:"largest"`
}

var store = map[string]string{}

// Put stores value under key and reports whether the key is new.
func Put(key string, value string) bool {
	_, existed := store[key]
	store[key] = value
	return !existed
}

// PutAll stores every entry and returns how many keys the store holds.
func PutAll(entries []Entry) uint32 {
	for _, e := range entries {
		store[e.Key] = e.Value
	}
	return uint32(len(store))
}

// Get returns the value under key: an empty array if there is none, as
// Aqua options are carried.
func Get(key string) []string {
	if v, ok := store[key]; ok {
		return []string{v}
	}
	return []string{}
}

// Delete removes key and reports whether it was there.
func Delete(key string) bool {
	_, ok := store[key]
	delete(store, key)
	return ok
}

// List returns every entry, sorted by key.
func List() []Entry {
	out := make([]Entry, 0, len(store))
	for k, v := range store {
		out = append(out, Entry{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Summary describes the store: its size, its keys and its largest value.
func Summary() Stats {
	s := Stats{Count: uint64(len(store)), Keys: []string{}}
	for _, e := range List() {
		s.Keys = append(s.Keys, e.Key)
		if len(e.Value) > len(s.Largest.Value) {
			s.Largest = e
		}
	}
	return s
}

// Bytes echoes raw bytes reversed, to exercise byte arrays.
func Bytes(data []byte) []byte {
	out := make([]byte, len(data))
	for i, b := range data {
		out[len(data)-1-i] = b
	}
	return out
}

// Sum adds numbers of several widths.
func Sum(a int8, b uint16, c int64, d float64) float64 {
	return float64(a) + float64(b) + float64(c) + d
}

func main() {}
