package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/workato-gitops/workato-gitops/internal/atomicfile"
	"github.com/workato-gitops/workato-gitops/internal/render"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

func editCommand(e env) *cli.Command {
	return &cli.Command{
		Name:        "edit",
		Usage:       "decrypt an encrypted manifest into $EDITOR, then seal it again",
		ArgsUsage:   "FILE",
		Description: helpText("edit"),
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.NArg() != 1 {
				return &hinted{err: errors.New("edit takes one FILE"), hint: "workato-gitops edit tenants/customers/acme.yaml"}
			}
			return runEdit(c.Args().First(), e)
		},
	}
}

func runEdit(file string, e env) error {
	data, perm, err := spec.ReadManifest(file)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	sf, err := decrypter(e)
	if err != nil {
		return err
	}
	u, err := spec.Unseal(file, data, sf)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	editor := e.getenv("VISUAL")
	if editor == "" {
		editor = e.getenv("EDITOR")
	}
	if editor == "" {
		return &hinted{err: errors.New("no editor: EDITOR is not set"), hint: "EDITOR=vi workato-gitops edit FILE"}
	}
	edited, err := spec.EditInTemp(filepath.Base(file), u.Text(), editor, spec.Stdio{In: e.stdin, Out: e.stdout, Err: e.stderr})
	if err != nil {
		return err
	}
	if bytes.Equal(edited, u.Text()) {
		fmt.Fprintf(e.stdout, "%s: no change; left as it is\n", file)
		return nil
	}
	out, n, err := u.Seal(edited, time.Now())
	if err != nil {
		err = printDiagnostics(e.stderr, err)
		return &hinted{err: fmt.Errorf("%s: the edit was not saved: %v", file, err), hint: "run workato-gitops edit again; the file on disk is as it was"}
	}
	if err := atomicfile.WriteMode(file, perm, out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: sealed again (%s encrypted anew)\n", file, render.Plural(n, "value"))
	return nil
}
