package main

import (
	"context"
	"os"
	"path/filepath"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/registry"
)

// localServices gives every node of a local network a registry of Marine
// services, sharing one runtime and its compilation cache, so that srv
// and dist work there and modules can be deployed. The returned function
// closes the runtime once the network is closed.
func localServices(ctx context.Context) (func(i int, id peer.ID) *registry.Registry, func(), error) {
	rt, err := marine.New(ctx, marine.Options{CacheDir: marineCacheDir()})
	if err != nil {
		return nil, nil, err
	}
	services := func(_ int, id peer.ID) *registry.Registry { return registry.New(rt, id) }
	return services, func() { _ = rt.Close(context.Background()) }, nil
}

// marineCacheDir keeps compiled modules between runs.
func marineCacheDir() string {
	if dir, err := os.UserCacheDir(); err == nil {
		return filepath.Join(dir, "aquarium", "wasm")
	}
	return ""
}
