// Command workato-gitops reconciles Workato Embedded customer workspaces
// with YAML manifests kept in Git.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args, env{
		stdin:     os.Stdin,
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		getenv:    os.Getenv,
		stdoutTTY: isTerminal(os.Stdout),
		stdinTTY:  isTerminal(os.Stdin),
	}))
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
