package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/build"
	"github.com/aquarium-p2p/aquarium/marine/config"
)

func newMarineCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "marine",
		Short: "Inspect, call and build Marine WebAssembly modules",
	}
	cmd.AddCommand(newMarineInfoCmd(), newMarineCallCmd(), newMarineBuildCmd(), newMarineReplCmd())
	return cmd
}

func newMarineInfoCmd() *cobra.Command {
	var service, id string
	cmd := &cobra.Command{
		Use:   "info MODULE.wasm",
		Short: "Print a module's SDK version and its interface as Aqua declarations",
		Long: `Print a Marine module's SDK and interface-types versions, then its
interface as Aqua data and service declarations, ready to paste into an
.aqua file. The module is only read, not run.`,
		Example: `  aquarium marine info greeting.wasm
  aquarium marine info -s Greeting -i greeting-service greeting.wasm`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			wasm, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			info, err := marine.Inspect(wasm)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			name := strings.TrimSuffix(filepath.Base(args[0]), filepath.Ext(args[0]))
			if service == "" {
				service = name
			}
			if id == "" {
				id = name
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "-- %s: Marine SDK %s, interface types %s\n\n", filepath.Base(args[0]), info.SDKVersion, info.Section.Version)
			fmt.Fprint(out, info.Interface.Aqua(service, id))
			return nil
		},
	}
	cmd.Flags().StringVarP(&service, "service", "s", "", "name of the Aqua service (default: the module's file name)")
	cmd.Flags().StringVarP(&id, "id", "i", "", "default service id in the declaration (default: the module's file name)")
	return cmd
}

func newMarineCallCmd() *cobra.Command {
	var (
		timeout  time.Duration
		params   string
		cacheDir string
		verbose  bool
	)
	cmd := &cobra.Command{
		Use:   "call MODULE.wasm|CONFIG.toml FUNCTION ['JSON']",
		Short: "Call one function of a Marine module or service and print the result as JSON",
		Long: `Load a Marine module, or a service described by a Config.toml (the last
module is the facade), call one function and print its result as JSON.

Arguments are a JSON array (by position) or object (by name); without
them the function is called with none. Module logs and stdout/stderr go
to standard error.`,
		Example: `  aquarium marine call greeting.wasm greeting '["Marine"]'
  aquarium marine call Config.toml put '{"key": "a", "value": "1"}'
  aquarium marine call avm.wasm ast '["(null)"]'`,
		Args: cobra.RangeArgs(2, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			level := slog.LevelInfo
			if verbose {
				level = slog.LevelDebug
			}
			logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level}))
			if cacheDir == "" {
				if dir, err := os.UserCacheDir(); err == nil {
					cacheDir = filepath.Join(dir, "aquarium", "wasm")
				}
			}
			rt, err := marine.New(ctx, marine.Options{CacheDir: cacheDir, Logger: logger})
			if err != nil {
				return err
			}
			defer rt.Close(context.WithoutCancel(ctx))
			cfg, err := serviceConfig(cmd.ErrOrStderr(), args[0])
			if err != nil {
				return err
			}
			svc, err := rt.LoadService(ctx, cfg, marine.ServiceOptions{ID: cfg.Modules[len(cfg.Modules)-1].Name})
			if err != nil {
				return err
			}
			defer svc.Close(context.WithoutCancel(ctx))
			var cp marine.CallParameters
			if params != "" {
				if err := json.Unmarshal([]byte(params), &cp); err != nil {
					return fmt.Errorf("--params: %w", err)
				}
			}
			in := json.RawMessage("null")
			if len(args) == 3 {
				in = json.RawMessage(args[2])
			}
			if timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, timeout)
				defer cancel()
			}
			out, err := svc.Call(ctx, args[1], in, cp)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(out))
			return nil
		},
	}
	cmd.Flags().DurationVarP(&timeout, "timeout", "t", 0, "stop the call after this long (e.g. 2s); 0 waits forever")
	cmd.Flags().StringVar(&params, "params", "", `call parameters as JSON, e.g. '{"InitPeerID": "12D3KooW...", "ParticleID": "p1"}'`)
	cmd.Flags().StringVar(&cacheDir, "cache", "", "directory of compiled code (default: the user cache directory)")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "show debug logs of the modules")
	return cmd
}

// serviceConfig reads a Config.toml, or makes a one-module service of a
// .wasm file.
func serviceConfig(warnings io.Writer, path string) (*config.Config, error) {
	if strings.HasSuffix(path, ".toml") {
		cfg, warns, err := config.Load(path)
		for _, w := range warns {
			fmt.Fprintf(warnings, "%s: %s\n", path, w)
		}
		if err != nil {
			return nil, err
		}
		if len(cfg.Modules) == 0 {
			return nil, fmt.Errorf("%s lists no modules", path)
		}
		return cfg, nil
	}
	return config.Single(path), nil
}

func newMarineBuildCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "build DIR -o MODULE.wasm",
		Short: "Build a Marine module from a Go service package",
		Long: `Build a Marine module from a Go main package written with marine/sdk:
every exported top-level function becomes a service function. The
command generates the Wasm export wrappers, runs go build with
GOOS=wasip1 GOARCH=wasm -buildmode=c-shared, and writes the
interface-types and SDK version sections into the module.`,
		Example: `  aquarium marine build ./marine/examples/greeting -o greeting.wasm
  aquarium marine info greeting.wasm`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				out = filepath.Base(filepath.Clean(args[0])) + ".wasm"
			}
			if err := build.Build(cmd.Context(), args[0], out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s\n", out)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "module file to write (default: DIR's name with .wasm)")
	return cmd
}
