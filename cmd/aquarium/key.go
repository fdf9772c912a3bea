package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/spf13/cobra"
)

func newKeyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "Make and show peer keys",
		Long: `Make and show the keys peers sign with. A key file holds the base64 of an
Ed25519 seed, as a node's key file does: the file aquarium node --key,
aquarium run --key and aquarium attach --key read.

A key's peer id is what aquarium node --allow-inspect and
--management take.`,
		Example: `  aquarium key new me.key
  aquarium node --allow-inspect "$(aquarium key show me.key)"
  aquarium attach /ip4/127.0.0.1/tcp/7777/p2p/12D3Koo... --key me.key`,
	}
	cmd.AddCommand(newKeyNewCmd(), newKeyShowCmd())
	return cmd
}

func newKeyNewCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "new FILE",
		Short: "Make a new Ed25519 key in FILE and print its peer id",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			key, err := peer.GenerateEd25519(rand.Reader)
			if err != nil {
				return err
			}
			flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
			if force {
				flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
			}
			f, err := os.OpenFile(path, flags, 0o600)
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%s exists: it may be a key in use (show its peer id with aquarium key show %s, or replace it with --force)", path, path)
			}
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(f, base64.StdEncoding.EncodeToString(key.Raw()))
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("write key: %w", err)
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), peer.IDOf(key))
			return err
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace FILE if it exists")
	return cmd
}

func newKeyShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show FILE",
		Short: "Print the peer id of the key in FILE",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, _, err := loadOrCreateKey(args[0], false)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), peer.IDOf(key))
			return err
		},
	}
}
