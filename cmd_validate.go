package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v3"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/render"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

type validateOptions struct {
	dir         string
	skipDecrypt bool
}

func validateCommand(e env) *cli.Command {
	return &cli.Command{
		Name:        "validate",
		Usage:       "check manifests offline: schema, references, SOPS integrity",
		ArgsUsage:   "[DIR]",
		Description: helpText("validate"),
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "skip-decrypt", Usage: "check structure only; do not decrypt (for runs without the keys)"},
		},
		Action: func(ctx context.Context, c *cli.Command) error {
			dir, err := dirArg(c)
			if err != nil {
				return err
			}
			return runValidate(validateOptions{dir: dir, skipDecrypt: c.Bool("skip-decrypt")}, e)
		},
	}
}

func dirArg(c *cli.Command) (string, error) {
	switch c.NArg() {
	case 0:
		return ".", nil
	case 1:
		return c.Args().First(), nil
	default:
		return "", fmt.Errorf("%s takes one directory, got %d arguments", c.Name, c.NArg())
	}
}

func runValidate(o validateOptions, e env) error {
	repo, err := loadRepo(o.dir, o.skipDecrypt, e)
	if err != nil {
		return err
	}
	// Packages get the checks plan gives them (zip slip, symlinks,
	// sizes), so a pull request from a fork is refused here already.
	if ds := (&apply.Packages{}).Check(repo.Tenants); len(ds) > 0 {
		return ds
	}
	if !o.skipDecrypt {
		warnUnknownInputs(repo, e)
	}
	render.Validated(e.stdout, repo.Tenants, len(repo.Files), o.skipDecrypt)
	return nil
}

// loadRepo loads the manifests with the keys SOPS's environment names.
// The repository is found as git finds its own (see spec.FindRepository).
func loadRepo(dir string, skipDecrypt bool, e env) (*spec.Repo, error) {
	dir, err := findRepository(dir)
	if err != nil {
		return nil, err
	}
	opts := spec.Options{Schemas: schemaFS, SkipDecrypt: skipDecrypt}
	if !skipDecrypt {
		dec, err := decrypter(e)
		if err != nil {
			return nil, err
		}
		opts.Decrypter = dec
	}
	repo, err := spec.Load(dir, opts)
	if err != nil {
		return nil, err
	}
	return repo, nil
}

// findRepository is spec.FindRepository with a hint that names the
// directory to use instead.
func findRepository(dir string) (string, error) {
	root, _, err := spec.FindRepository(dir)
	var nr *spec.NotRepositoryError
	if errors.As(err, &nr) {
		return "", &hinted{err: err, hint: "name the repository's directory, e.g. workato-gitops validate " + filepath.Join(dir, filepath.FromSlash(nr.Candidates[0]))}
	}
	return root, err
}
