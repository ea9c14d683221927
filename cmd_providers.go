package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/workato-gitops/workato-gitops/internal/catalog"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/target"
)

func providersCommand(e env) *cli.Command {
	return &cli.Command{
		Name:        "providers",
		Usage:       "list the account's connectors, or the input keys a provider takes",
		ArgsUsage:   "[NAME]",
		Description: helpText("providers"),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "customer", Usage: "read input schemas in the workspace of the customer with this external `ID`"},
		},
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.NArg() > 1 {
				return &hinted{err: errors.New("providers takes at most one NAME"), hint: "workato-gitops providers salesforce"}
			}
			return runProviders(ctx, c.Args().First(), c.String("customer"), e)
		},
	}
}

// cacheDir is the user's cache directory, as the XDG spec has it.
func cacheDir(e env) string {
	if d := e.getenv("XDG_CACHE_HOME"); d != "" {
		return d
	}
	if h := e.getenv("HOME"); h != "" {
		return filepath.Join(h, ".cache")
	}
	return ""
}

func runProviders(ctx context.Context, name, customer string, e env) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cfg := spec.ConfigAround(".", schemaFS) // the repository around the current directory, if any
	tgt, err := target.Resolve(apiEnv(e), cfg)
	if err != nil {
		return err
	}
	client, err := apiClient(e, cfg, false)
	if err != nil {
		return err
	}
	path := ""
	if d := cacheDir(e); d != "" {
		path = catalog.Path(d, tgt.Base)
	}
	cat := catalog.LoadOrNew(path, tgt.Base)
	if name == "" {
		err = cat.ReadConnectors(ctx, client)
	} else {
		err = cat.ReadInputs(ctx, client, name, customer)
	}
	if errors.Is(err, catalog.ErrNoCustomer) {
		return &hinted{err: err, hint: "create one (apply a tenant), or name one with --customer ID"}
	}
	if errors.As(err, new(*catalog.NoSchemaError)) {
		return &hinted{err: err, hint: "workato-gitops providers lists the connectors' names; a custom connector has no schema"}
	}
	if err != nil {
		return err
	}
	if name == "" {
		cat.WriteConnectors(e.stdout)
	} else {
		cat.WriteInputs(e.stdout, name)
	}
	if path == "" {
		return nil
	}
	cat.FetchedAt = time.Now().UTC().Truncate(time.Second)
	if err := cat.Save(path); err != nil {
		fmt.Fprintf(e.stderr, "workato-gitops: warning: cannot cache the catalogue: %v\n", err)
	}
	return nil
}

// warnUnknownInputs prints a warning for each input key of a connection
// whose provider's keys the cached catalogue knows and which it does not
// take (see catalog.CachedUnknownInputs).
func warnUnknownInputs(repo *spec.Repo, e env) {
	tgt, err := target.Resolve(apiEnv(e), repo.Config)
	if err != nil {
		return
	}
	for _, msg := range catalog.CachedUnknownInputs(cacheDir(e), tgt.Base, repo) {
		fmt.Fprintf(e.stderr, "workato-gitops: warning: %s\n", msg)
	}
}
