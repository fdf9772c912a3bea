// Command storecheck reads a stopped node's particle store and checks
// that it holds the data of the given particles, with their deadlines:
// what a node keeps of a particle until its TTL ends, whatever happened
// to the network meanwhile.
//
//	storecheck DATA-DIR/particles.db PARTICLE-ID...
//
// It prints how many particles the store holds and exits 1 naming each
// particle it lacks. The store is opened read-only: checking it changes
// nothing a node restarted on it will find.
package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The buckets net/nodestore keeps particles in.
var (
	dataBucket     = []byte("particle-data")
	deadlineBucket = []byte("particle-deadline")
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: storecheck DATA-DIR/particles.db PARTICLE-ID...")
		os.Exit(2)
	}
	held, missing, err := check(os.Args[1], os.Args[2:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "storecheck:", err)
		os.Exit(1)
	}
	fmt.Printf("%d particles held\n", held)
	if len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "storecheck: %s lacks %s\n", os.Args[1], strings.Join(missing, ", "))
		os.Exit(1)
	}
}

// check opens the store at path and returns how many particles it holds
// and which of ids have no data or no deadline there. Keys are a
// particle's id, a slash and its signature.
func check(path string, ids []string) (held int, missing []string, err error) {
	if _, err := os.Stat(path); err != nil {
		return 0, nil, err
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return 0, nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		data, deadlines := tx.Bucket(dataBucket), tx.Bucket(deadlineBucket)
		if data == nil || deadlines == nil {
			return fmt.Errorf("%s has no buckets %s and %s", path, dataBucket, deadlineBucket)
		}
		stored := map[string]bool{}
		err := data.ForEach(func(k, _ []byte) error {
			id, _, _ := strings.Cut(string(k), "/")
			if deadlines.Get(k) != nil {
				stored[id] = true
			}
			held++
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			if !stored[id] {
				missing = append(missing, id)
			}
		}
		return nil
	})
	return held, missing, err
}
