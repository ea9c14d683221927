package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/google/shlex"
	"github.com/urfave/cli/v3"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

func editCommand(e env) *cli.Command {
	return &cli.Command{
		Name:      "edit",
		Usage:     "decrypt an encrypted manifest into $EDITOR, then seal it again",
		ArgsUsage: "FILE",
		Description: `Opens FILE, which SOPS encrypted, in $EDITOR with its secret values in
plaintext and without the sops metadata; when the editor exits, seals it
again in place. Values that did not change keep their ciphertext, so the
diff shows only what was edited. The plaintext lives in a file only this
user can read (0600, in a private temporary directory), removed as soon
as the editor exits. Keys come from the same places as for validate.

Example:
   EDITOR=vi workato-gitops edit tenants/customers/acme.yaml`,
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.NArg() != 1 {
				return &hinted{err: errors.New("edit takes one FILE"), hint: "workato-gitops edit tenants/customers/acme.yaml"}
			}
			return runEdit(c.Args().First(), e)
		},
	}
}

func runEdit(file string, e env) error {
	data, perm, err := readManifest(file)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	keys, err := decryptionKeys(e)
	if err != nil {
		return err
	}
	u, err := spec.Unseal(file, data, keys)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	edited, err := editInTemp(filepath.Base(file), u.Text(), e)
	if err != nil {
		return err
	}
	if bytes.Equal(edited, u.Text()) {
		fmt.Fprintf(e.stdout, "%s: no change; left as it is\n", file)
		return nil
	}
	out, n, err := u.Seal(edited, time.Now())
	if err != nil {
		var ds spec.Diagnostics
		if errors.As(err, &ds) {
			for _, d := range ds {
				fmt.Fprintln(e.stderr, d)
			}
			err = errors.New(plural(len(ds), "problem") + " found")
		}
		return &hinted{err: fmt.Errorf("%s: the edit was not saved: %v", file, err), hint: "run workato-gitops edit again; the file on disk is as it was"}
	}
	if err := atomicWriteMode(file, perm, out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: sealed again (%s encrypted anew)\n", file, plural(n, "value"))
	return nil
}

func readManifest(file string) ([]byte, os.FileMode, error) {
	st, err := os.Stat(file)
	switch {
	case err != nil:
		return nil, 0, errors.New("no such file")
	case !st.Mode().IsRegular():
		return nil, 0, errors.New("not a regular file")
	case st.Size() > spec.DefaultMaxFileSize:
		return nil, 0, fmt.Errorf("larger than the %d-byte limit for manifests", spec.DefaultMaxFileSize)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, 0, errors.New("cannot read")
	}
	return data, st.Mode().Perm(), nil
}

// editInTemp writes text to a 0600 file in a private directory, runs the
// editor on it and returns what it left there; the directory is removed
// before returning, whatever happens.
func editInTemp(name string, text []byte, e env) ([]byte, error) {
	editor := e.getenv("VISUAL")
	if editor == "" {
		editor = e.getenv("EDITOR")
	}
	if editor == "" {
		return nil, &hinted{err: errors.New("no editor: EDITOR is not set"), hint: "EDITOR=vi workato-gitops edit FILE"}
	}
	args, err := shlex.Split(editor)
	if err != nil || len(args) == 0 {
		return nil, errors.New("EDITOR is not a command line")
	}
	dir, err := os.MkdirTemp("", "workato-gitops-edit-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, err
	}
	tmp := filepath.Join(dir, name)
	if err := os.WriteFile(tmp, text, 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(args[0], append(args[1:], tmp)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = e.stdin, e.stdout, e.stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("the editor failed (%s); nothing was changed", args[0])
	}
	st, err := os.Stat(tmp)
	if err != nil || st.Size() > spec.DefaultMaxFileSize {
		return nil, errors.New("the edited file is gone or too large; nothing was changed")
	}
	return os.ReadFile(tmp)
}
