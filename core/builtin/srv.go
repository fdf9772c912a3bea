package builtin

import (
	"context"
	"fmt"
)

// srvService manages the peer's Marine services: create, remove and alias
// them (the host and its managers only), list them, resolve aliases and
// describe interfaces (anyone). builtins reports whether a name is a
// builtin service, which an alias may not shadow.
func srvService(env Env, builtins func(string) bool) Service {
	return Service{
		"create": restricted(env, withDeployer(env, func(ctx context.Context, c *Call, d Deployer) (any, error) {
			id, err := oneString(c, "blueprint_id")
			if err != nil {
				return nil, err
			}
			return d.CreateService(ctx, id, c.Particle.InitPeerID)
		})),
		"remove": restricted(env, withDeployer(env, func(ctx context.Context, c *Call, d Deployer) (any, error) {
			id, err := oneString(c, "service_id")
			if err != nil {
				return nil, err
			}
			return nil, d.RemoveService(ctx, id)
		})),
		"add_alias": restricted(env, withDeployer(env, func(ctx context.Context, c *Call, d Deployer) (any, error) {
			if err := arity(c, 2, 2); err != nil {
				return nil, err
			}
			alias, err := stringArg(c, 0, "alias")
			if err != nil {
				return nil, err
			}
			id, err := stringArg(c, 1, "service_id")
			if err != nil {
				return nil, err
			}
			if builtins(alias) {
				return nil, fmt.Errorf("alias %q is a builtin service, which would hide the alias", alias)
			}
			return nil, d.AddAlias(ctx, alias, id)
		})),
		"list": withDeployer(env, func(ctx context.Context, c *Call, d Deployer) (any, error) {
			if err := arity(c, 0, 0); err != nil {
				return nil, err
			}
			ss, err := d.Services(ctx)
			return nonNil(ss), err
		}),
		"resolve_alias": withDeployer(env, func(ctx context.Context, c *Call, d Deployer) (any, error) {
			alias, err := oneString(c, "alias")
			if err != nil {
				return nil, err
			}
			id, ok := d.ResolveAlias(ctx, alias)
			if !ok {
				return nil, fmt.Errorf("no service has the alias %q on this peer", alias)
			}
			return id, nil
		}),
		"resolve_alias_opt": withDeployer(env, func(ctx context.Context, c *Call, d Deployer) (any, error) {
			alias, err := oneString(c, "alias")
			if err != nil {
				return nil, err
			}
			if id, ok := d.ResolveAlias(ctx, alias); ok {
				return []string{id}, nil
			}
			return []string{}, nil
		}),
		"get_interface": withDeployer(env, func(ctx context.Context, c *Call, d Deployer) (any, error) {
			id, err := oneString(c, "service_id")
			if err != nil {
				return nil, err
			}
			return d.ServiceInterface(ctx, id)
		}),
		"info": withDeployer(env, func(ctx context.Context, c *Call, d Deployer) (any, error) {
			id, err := oneString(c, "service_id")
			if err != nil {
				return nil, err
			}
			return d.Service(ctx, id)
		}),
	}
}
