package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/workato-gitops/workato-gitops/internal/completion"
	"github.com/workato-gitops/workato-gitops/internal/render"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/version"
)

// Exit codes, the contract with CI scripts (see --help).
const (
	exitOK      = 0
	exitError   = 1
	exitChanges = 2
	exitBlocked = 3
	exitTimeUp  = 4 // apply --max-duration stopped starting actions
)

// env is everything the program takes from its process: the only place
// that knows about os.Stdout, os.Getenv and friends is main().
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	stdoutTTY      bool          // colour and progress only on a terminal
	stdinTTY       bool          // apply asks for confirmation only on a terminal
	importPoll     time.Duration // tests only: apply's package import poll against a sandbox served over HTTP
}

var setVersionPrinter sync.Once

func newApp(e env) *cli.Command {
	// The library prints --version through this hook; the version command
	// prints the same. The hook is a package variable, set once: run may be
	// called concurrently in one process (the tests do).
	setVersionPrinter.Do(func() {
		cli.VersionPrinter = func(c *cli.Command) { fmt.Fprint(c.Root().Writer, versionText()) }
	})
	root := &cli.Command{
		Name:      "workato-gitops",
		Usage:     "declare Workato Embedded customer workspaces in Git, plan and apply them",
		Version:   buildVersion(),
		Reader:    e.stdin,
		Writer:    e.stdout,
		ErrWriter: e.stderr,
		// Errors are mapped to exit codes in run, in one place; the library
		// must never call os.Exit itself.
		ExitErrHandler:        func(context.Context, *cli.Command, error) {},
		EnableShellCompletion: true,
		Suggest:               true,
		Description:           helpText("root"),
		Commands: []*cli.Command{
			validateCommand(e),
			doctorCommand(e),
			planCommand(e),
			applyCommand(e),
			exportCommand(e), encryptCommand(e), editCommand(e), providersCommand(e),
			sandboxCommand(e),
			packageCommand(e),
			completionCommand(e),
			versionCommand(e),
		},
		Action: unknownCommand,
	}
	completion.Install(root)
	return root
}

// unknownCommand runs when no command matched: help with no arguments,
// else an error that suggests the nearest command.
func unknownCommand(_ context.Context, c *cli.Command) error {
	if c.NArg() == 0 {
		return cli.ShowRootCommandHelp(c)
	}
	name := c.Args().First()
	return &hinted{err: fmt.Errorf("unknown command %q", name),
		hint: fmt.Sprintf("did you mean %q? See 'workato-gitops --help'", cli.SuggestCommand(c.Commands, name))}
}

func versionCommand(e env) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version, the commit it was built from and the Go version",
		Action: func(_ context.Context, c *cli.Command) error {
			if c.NArg() > 0 {
				return fmt.Errorf("version takes no arguments, got %q", c.Args().First())
			}
			_, err := fmt.Fprint(e.stdout, versionText())
			return err
		},
	}
}

// buildVersion is the module version (a release's, set at link time; a
// go install's, from the build info) or "(devel)".
func buildVersion() string { return version.Get().Version }

// versionText is what version and --version print: the version, the
// commit (marked when the tree had local changes) and the Go version.
func versionText() string {
	i := version.Get()
	commit := cmp.Or(i.Commit, "unknown")
	if i.Modified {
		commit += " (modified)"
	}
	return fmt.Sprintf("workato-gitops version %s\ncommit: %s\ngo: %s\n", i.Version, commit, i.GoVersion)
}

// run executes the command line and returns the process exit code.
func run(args []string, e env) int {
	// Progress, the HTTP debug log and errors all write stderr, from many
	// goroutines: one lock keeps their lines whole.
	e.stderr = &lockedWriter{w: e.stderr}
	// Completion scripts written before the move to urfave/cli v3 ask with
	// the v2 flag.
	if n := len(args); n > 0 && args[n-1] == "--generate-bash-completion" {
		args = append(slices.Clone(args[:n-1]), "--generate-shell-completion")
	}
	err := newApp(e).Run(context.Background(), args)
	return report(e.stderr, err)
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// codeError carries an exit code other than 1 through the call stack.
type codeError struct {
	code int
	err  error // nil when there is nothing to print
}

func (e *codeError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit code %d", e.code)
	}
	return e.err.Error()
}

func (e *codeError) Unwrap() error { return e.err }

// hinted is an error with advice for the user, printed as a hint line.
type hinted struct {
	err  error
	hint string
}

func (h *hinted) Error() string { return h.err.Error() }
func (h *hinted) Unwrap() error { return h.err }

// report prints err (if any) and maps it to an exit code: the one place
// that does so.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	code := exitError
	var ee *codeError
	if errors.As(err, &ee) {
		code = ee.code
		if ee.err == nil {
			return code
		}
	}
	if errors.As(err, new(spec.Diagnostics)) {
		fmt.Fprintf(stderr, "workato-gitops: error: %s\n", printDiagnostics(stderr, err))
		return code
	}
	fmt.Fprintf(stderr, "workato-gitops: error: %s\n", err)
	var h *hinted
	if errors.As(err, &h) {
		fmt.Fprintf(stderr, "workato-gitops: hint: %s\n", h.hint)
	}
	if strings.Contains(err.Error(), "flag provided but not defined") || strings.HasPrefix(err.Error(), "Required flag") {
		fmt.Fprintln(stderr, "workato-gitops: hint: see 'workato-gitops --help'")
	}
	return code
}

// printDiagnostics prints the manifest diagnostics err carries, one a
// line, and returns an error that counts them; any other err as it is.
func printDiagnostics(stderr io.Writer, err error) error {
	var ds spec.Diagnostics
	if !errors.As(err, &ds) {
		return err
	}
	for _, d := range ds {
		fmt.Fprintln(stderr, d)
	}
	return errors.New(render.Plural(len(ds), "problem") + " found")
}
