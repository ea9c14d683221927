// Command workato-gitops reconciles Workato Embedded customer workspaces
// with YAML manifests kept in Git.
package main

import (
	"os"

	"golang.org/x/term"
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

// isTerminal asks the terminal driver: /dev/null is a character device too,
// so the file mode cannot tell.
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
