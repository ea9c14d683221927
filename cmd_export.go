package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v3"

	"github.com/workato-gitops/workato-gitops/internal/export"
	"github.com/workato-gitops/workato-gitops/internal/render"
)

type exportOptions struct {
	all         bool
	tenants     []string // external ids or numeric ids
	out         string
	force       bool
	schemaURL   string
	parallelism int
	debug       bool
}

func exportCommand(e env) *cli.Command {
	return &cli.Command{
		Name:        "export",
		Usage:       "write manifests for existing customer workspaces, to start managing them",
		Description: helpText("export"),
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "all", Usage: "export every customer workspace of the account"},
			&cli.StringSliceFlag{Name: "tenant", Usage: "export the customer with external id (or numeric id) `ID` (repeatable)"},
			&cli.StringFlag{Name: "out", Required: true, Usage: "write the manifests into `DIR` (created if missing)"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite manifests that already exist"},
			&cli.StringFlag{Name: "schema", Usage: "`URL` for the files' yaml-language-server $schema line (default: the repository's schemas/tenant.schema.json, relative, else the schema's id)"},
			&cli.IntFlag{Name: "parallelism", Usage: "workspaces read at once (default: the config's, else 8)"},
			&cli.BoolFlag{Name: "debug", Usage: "log every HTTP request (method, path, status, time; never headers or bodies) to stderr"},
		},
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.NArg() > 0 {
				return fmt.Errorf("export takes no arguments, got %q; name workspaces with --tenant", c.Args().First())
			}
			o := exportOptions{all: c.Bool("all"), tenants: c.StringSlice("tenant"), out: c.String("out"), force: c.Bool("force"),
				schemaURL: c.String("schema"), parallelism: c.Int("parallelism"), debug: c.Bool("debug")}
			return runExport(ctx, o, e)
		},
	}
}

func runExport(ctx context.Context, o exportOptions, e env) error {
	if o.all == (len(o.tenants) > 0) {
		return &hinted{err: errors.New("export needs --all or at least one --tenant, not both"), hint: "workato-gitops export --all --out DIR"}
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	repo, err := export.Repo(o.out, schemaFS)
	if err != nil {
		return err
	}
	if o.schemaURL == "" {
		if o.schemaURL, err = export.SchemaURL(o.out, schemaFS); err != nil {
			return err
		}
	}
	client, err := apiClient(e, repo.Config, o.debug)
	if err != nil {
		return err
	}
	results, notes, err := export.Run(ctx, client, repo, export.Options{All: o.all, Tenants: o.tenants, Out: o.out,
		Force: o.force, SchemaURL: o.schemaURL, Parallelism: o.parallelism})
	if errors.As(err, new(*export.ExistsError)) {
		return &hinted{err: err, hint: "use --force to overwrite them, or another --out"}
	}
	if err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintf(e.stderr, "workato-gitops: skipped %s\n", n)
	}
	if len(results) == 0 {
		fmt.Fprintln(e.stdout, "Nothing to export.")
		return nil
	}
	return reportExports(results, e)
}

// reportExports says what each export wrote; the command fails at the end
// if any workspace failed.
func reportExports(results []export.Result, e env) error {
	failed := render.Exported(e.stdout, e.stderr, results)
	if failed > 0 {
		return fmt.Errorf("%s of %d could not be exported (see above)", render.Plural(failed, "workspace"), len(results))
	}
	fmt.Fprintf(e.stderr, "workato-gitops: exported %s. Next: fill in connection inputs and run workato-gitops encrypt; then workato-gitops plan (see docs/export.md)\n", render.Plural(len(results), "workspace"))
	return nil
}
