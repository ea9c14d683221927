package main

import (
	"context"
	"fmt"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/workato-gitops/workato-gitops/internal/doctor"
	"github.com/workato-gitops/workato-gitops/internal/render"
	"github.com/workato-gitops/workato-gitops/internal/sopsfile"
)

type doctorOptions struct {
	dir     string
	offline bool
	tenant  string        // whose customer the per-customer API checks read; "" picks one
	timeout time.Duration // per API call
}

func doctorCommand(e env) *cli.Command {
	return &cli.Command{
		Name:        "doctor",
		Usage:       "explain what stops the tool from working here: keys, encrypted files, config, API access",
		ArgsUsage:   "[DIR]",
		Description: helpText("doctor"),
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "offline", Usage: "skip the API checks"},
			&cli.StringFlag{Name: "tenant", Usage: "read the workspace of tenant `NAME` (NAME@ENV: of that environment) for the per-customer API checks (default: the first whose workspace exists)"},
			&cli.DurationFlag{Name: "timeout", Value: 15 * time.Second, Usage: "give up on one API call after `DURATION`"},
		},
		Action: func(ctx context.Context, c *cli.Command) error {
			dir, err := dirArg(c)
			if err != nil {
				return err
			}
			return runDoctor(ctx, doctorOptions{dir: dir, offline: c.Bool("offline"), tenant: c.String("tenant"), timeout: c.Duration("timeout")}, e)
		},
	}
}

func runDoctor(ctx context.Context, o doctorOptions, e env) error {
	if ctx == nil {
		ctx = context.Background()
	}
	dir, err := findRepository(o.dir)
	if err != nil {
		return err
	}
	n := doctor.Run(ctx, e.stdout, doctor.Options{
		Dir: dir, Offline: o.offline, Tenant: o.tenant, Timeout: o.timeout, Schemas: schemaFS,
		Keys: keyEnv(e),
		API:  apiEnv(e), UserAgent: userAgent(), SOPS: sopsfile.NewInspector,
	})
	if n.Fail > 0 {
		return &codeError{code: exitError, err: fmt.Errorf("%s failed; see the hints above", render.Plural(n.Fail, "check"))}
	}
	return nil
}
