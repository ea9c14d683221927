package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v3"

	"github.com/workato-gitops/workato-gitops/internal/atomicfile"
	"github.com/workato-gitops/workato-gitops/internal/render"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

type encryptOptions struct {
	files      []string
	sopsConfig string
	sops       spec.SOPS // its keys open files encrypted already
}

func encryptCommand(e env) *cli.Command {
	return &cli.Command{
		Name:        "encrypt",
		Usage:       "seal the connection input of manifests in place with SOPS, at any time",
		ArgsUsage:   "FILE...",
		Description: helpText("encrypt"),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "config", Usage: "use the creation rules of this .sops.yaml `FILE` instead of searching for one"},
		},
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.NArg() == 0 {
				return &hinted{err: errors.New("encrypt needs at least one FILE"), hint: "workato-gitops encrypt tenants/customers/acme.yaml"}
			}
			sf, err := decrypter(e)
			if err != nil {
				return err
			}
			return runEncrypt(encryptOptions{files: c.Args().Slice(), sopsConfig: c.String("config"), sops: sf}, e)
		},
	}
}

// runEncrypt encrypts each file on its own: one that fails is left as it
// was and does not stop the others.
func runEncrypt(o encryptOptions, e env) error {
	failed := 0
	for _, file := range o.files {
		if err := encryptFile(file, o, e.stdout, e.stderr); err != nil {
			failed++
			fmt.Fprintf(e.stderr, "workato-gitops: error: %s: %v\n", file, printDiagnostics(e.stderr, err))
		}
	}
	if failed > 0 {
		return &codeError{code: exitError, err: fmt.Errorf("%s of %d not encrypted (see above); they were left unchanged", render.Plural(failed, "file"), len(o.files))}
	}
	return nil
}

func encryptFile(file string, o encryptOptions, stdout, stderr io.Writer) error {
	data, perm, err := spec.ReadManifest(file)
	if err != nil {
		return err
	}
	enc, err := spec.Encrypt(file, data, spec.EncryptOptions{SopsConfig: o.sopsConfig, SOPS: o.sops})
	switch {
	case errors.Is(err, spec.ErrNothingToEncrypt):
		fmt.Fprintf(stdout, "%s: nothing to encrypt (no connection input); left as it is\n", file)
		return nil
	case errors.Is(err, spec.ErrAlreadySealed):
		fmt.Fprintf(stdout, "%s: every secret value is encrypted already; left as it is\n", file)
		return nil
	}
	if err != nil {
		return err
	}
	for _, w := range enc.Warnings {
		fmt.Fprintf(stderr, "workato-gitops: warning: %s\n", w)
	}
	if err := atomicfile.WriteMode(file, perm, enc.Data); err != nil {
		return err
	}
	if enc.SopsConfig == "" {
		fmt.Fprintf(stdout, "%s: sealed %s with the file's own data key\n", file, render.Plural(enc.Values, "new value"))
		return nil
	}
	fmt.Fprintf(stdout, "%s: encrypted %s with the rules of %s\n", file, render.Plural(enc.Values, "value"), enc.SopsConfig)
	return nil
}
