package builtin

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/mr-tron/base58"
)

// errNoNetwork is the answer of network functions on a peer without one.
var errNoNetwork = errors.New("this peer has no network")

func debugService() Service {
	return Service{
		"stringify": func(_ context.Context, c *Call) (any, error) {
			switch len(c.Args) {
			case 0:
				return `"<empty argument list>"`, nil
			case 1:
				return Stringify(c.Args[0]), nil
			}
			return Stringify(c.Args), nil
		},
	}
}

func peerService(env Env) Service {
	return Service{
		"identify": func(context.Context, *Call) (any, error) {
			if env.Info == nil {
				return Info{ExternalAddresses: []string{}, AllowedBinaries: []string{}}, nil
			}
			return env.Info(), nil
		},
		"timestamp_ms": func(context.Context, *Call) (any, error) {
			return env.Now().UnixMilli(), nil
		},
		"timestamp_sec": func(context.Context, *Call) (any, error) {
			return env.Now().Unix(), nil
		},
		// timeout waits, then answers with its message: Aqua uses it to
		// race a call against time.
		"timeout": func(ctx context.Context, c *Call) (any, error) {
			if err := arity(c, 1, 2); err != nil {
				return nil, err
			}
			ms, err := intArg(c, 0, "duration_ms")
			if err != nil || ms < 0 {
				return nil, argErr("argument 0 (duration_ms) of peer.timeout must be a u64, got %s", describe(c.Args[0]))
			}
			t := time.NewTimer(time.Duration(ms) * time.Millisecond)
			defer t.Stop()
			select {
			case <-t.C:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if len(c.Args) < 2 {
				return nil, nil
			}
			return stringArg(c, 1, "message")
		},
		"is_connected": func(ctx context.Context, c *Call) (any, error) {
			id, err := peerArg(c, 0)
			if err != nil || env.Network == nil {
				return nil, orNoNetwork(err)
			}
			return env.Network.IsConnected(ctx, id), nil
		},
		"connect": func(ctx context.Context, c *Call) (any, error) {
			if err := arity(c, 1, 2); err != nil {
				return nil, err
			}
			id, err := peerArg(c, 0)
			if err != nil || env.Network == nil {
				return nil, orNoNetwork(err)
			}
			var addrs []string
			if v, ok := optional(c, 1); ok {
				if addrs, err = asStrings(v, c.argName(1, "multiaddrs")); err != nil {
					return nil, err
				}
			}
			return env.Network.Connect(ctx, id, addrs), nil
		},
		"get_contact": func(ctx context.Context, c *Call) (any, error) {
			id, err := peerArg(c, 0)
			if err != nil || env.Network == nil {
				return nil, orNoNetwork(err)
			}
			contact, ok := env.Network.Contact(ctx, id)
			if !ok {
				return nil, nil
			}
			return contact, nil
		},
	}
}

func orNoNetwork(err error) error {
	if err != nil {
		return err
	}
	return errNoNetwork
}

func peerArg(c *Call, i int) (peer.ID, error) {
	if err := arity(c, i+1, -1); err != nil {
		return "", err
	}
	s, err := stringArg(c, i, "peer_id")
	if err != nil {
		return "", err
	}
	id, err := peer.ParseID(s)
	if err != nil {
		return "", argErr("argument %d of %s.%s: %v", i, c.Service, c.Function, err)
	}
	return id, nil
}

func kadService(env Env) Service {
	return Service{
		"neighborhood": func(ctx context.Context, c *Call) (any, error) {
			if err := arity(c, 1, 3); err != nil {
				return nil, err
			}
			key, err := b58Value(c.Args[0], c.argName(0, "key"))
			if err != nil {
				return nil, err
			}
			hashed, err := optionalBool(c, 1, "already_hashed")
			if err != nil {
				return nil, err
			}
			count, err := optionalCount(c, 2)
			if err != nil {
				return nil, err
			}
			if !hashed {
				sum := sha256.Sum256(key)
				key = append([]byte{0x12, 0x20}, sum[:]...)
			}
			if env.Network == nil {
				return nil, errNoNetwork
			}
			ids := env.Network.Neighborhood(ctx, key, count)
			out := make([]string, len(ids))
			for i, id := range ids {
				out[i] = string(id)
			}
			return out, nil
		},
		"merge": kadMerge,
	}
}

// kValue is Kademlia's replication factor, the default neighborhood size.
const kValue = 20

func optionalCount(c *Call, i int) (int, error) {
	v, ok := optional(c, i)
	if !ok {
		return kValue, nil
	}
	n, err := asInt(v, c.argName(i, "count"))
	if err != nil || n < 0 || n > math.MaxUint32 {
		return 0, argErr("%s must be a u32, got %s", c.argName(i, "count"), describe(v))
	}
	return int(n), nil
}

// kadMerge merges two lists of base58 keys, orders them by Kademlia
// distance (XOR of SHA-256) to the target, and keeps the closest count.
func kadMerge(_ context.Context, c *Call) (any, error) {
	if err := arity(c, 3, 4); err != nil {
		return nil, err
	}
	target, err := b58Value(c.Args[0], c.argName(0, "target"))
	if err != nil {
		return nil, err
	}
	left, err := stringsArg(c, 1, "left")
	if err != nil {
		return nil, err
	}
	right, err := stringsArg(c, 2, "right")
	if err != nil {
		return nil, err
	}
	count, err := optionalCount(c, 3)
	if err != nil {
		return nil, err
	}
	t := sha256.Sum256(target)
	type keyed struct {
		key  string
		dist *big.Int
	}
	var keys []keyed
	for _, s := range slices.Concat(left, right) {
		raw, err := base58.Decode(s)
		if err != nil {
			return nil, fmt.Errorf("invalid base58 %q: %w", s, err)
		}
		h := sha256.Sum256(raw)
		for i := range h {
			h[i] ^= t[i]
		}
		keys = append(keys, keyed{base58.Encode(raw), new(big.Int).SetBytes(h[:])})
	}
	slices.SortStableFunc(keys, func(a, b keyed) int { return a.dist.Cmp(b.dist) })
	keys = slices.CompactFunc(keys, func(a, b keyed) bool { return a.key == b.key })
	out := []string{}
	for _, k := range keys[:min(count, len(keys))] {
		out = append(out, k.key)
	}
	return out, nil
}

func sigService(env Env) Service {
	return Service{
		"get_peer_id": func(context.Context, *Call) (any, error) { return string(env.Host), nil },
		// sign signs data with this peer's key. Only particles this peer
		// started may ask: a key that signs for anyone is an oracle.
		"sign": func(_ context.Context, c *Call) (any, error) {
			if err := arity(c, 1, 1); err != nil {
				return nil, err
			}
			if c.Particle.InitPeerID != env.Host || env.Key == nil {
				return map[string]any{
					"success": false, "signature": []any{},
					"error": []string{fmt.Sprintf("peer '%s' is not allowed to sign data on '%s'", c.Particle.InitPeerID, env.Host)},
				}, nil
			}
			data, err := bytesArg(c, 0, "data")
			if err != nil {
				return nil, err
			}
			return map[string]any{"success": true, "error": []string{}, "signature": []any{bytesJSON(env.Key.Sign(data))}}, nil
		},
		"verify": func(_ context.Context, c *Call) (any, error) {
			if err := arity(c, 2, 2); err != nil {
				return nil, err
			}
			sig, err := bytesArg(c, 0, "signature")
			if err != nil {
				return nil, err
			}
			data, err := bytesArg(c, 1, "data")
			if err != nil {
				return nil, err
			}
			return env.Host.Verify(data, sig) == nil, nil
		},
	}
}

func consoleService(env Env) Service {
	return Service{
		"print": func(_ context.Context, c *Call) (any, error) {
			parts := make([]string, len(c.Args))
			for i, a := range c.Args {
				if s, ok := a.(string); ok {
					parts[i] = s
				} else {
					parts[i] = Stringify(a)
				}
			}
			fmt.Fprintln(env.Console, strings.Join(parts, " "))
			return nil, nil
		},
	}
}
