package main

import "errors"

// exitError ends the process with a code after the command has already
// reported everything the user needs to see (diagnostics, a file list), so
// nothing more is printed.
type exitError struct{ code int }

func (e exitError) Error() string { return "exit status" }

func asExit(err error, target *exitError) bool { return errors.As(err, target) }
