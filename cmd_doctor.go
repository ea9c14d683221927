package main

import (
	"context"
	"fmt"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/workato-gitops/workato-gitops/internal/doctor"
)

type doctorOptions struct {
	dir     string
	offline bool
	tenant  string        // whose customer the per-customer API checks read; "" picks one
	timeout time.Duration // per API call
}

func doctorCommand(e env) *cli.Command {
	return &cli.Command{
		Name:      "doctor",
		Usage:     "explain what stops the tool from working here: keys, encrypted files, config, API access",
		ArgsUsage: "[DIR]",
		Description: `Checks, one finding at a time, everything validate, plan and apply need:
the age keys SOPS_AGE_KEY, SOPS_AGE_KEY_FILE and the default keys.txt hold;
file by file, the SOPS recipients of each encrypted manifest and whether a key
here opens it; the repository config and the manifests; the API URL and where
it came from, the token (set or not; never its value) and, with a few read
calls, what the token may do. Each finding is OK, WARN or FAIL; WARN and FAIL
come with a hint. Exit code 1 when anything FAILs.

No key, token or decrypted value is ever printed; public keys (age1...) are.

Examples:
   workato-gitops doctor tenants/
   workato-gitops doctor --offline            # no API calls
   workato-gitops doctor --tenant acme        # check the API against acme's workspace`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "offline", Usage: "skip the API checks"},
			&cli.StringFlag{Name: "tenant", Usage: "read the workspace of tenant `NAME` for the per-customer API checks (default: the first whose workspace exists)"},
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
		API:  apiEnv(e), UserAgent: userAgent(),
	})
	if n.Fail > 0 {
		return &codeError{code: exitError, err: fmt.Errorf("%s failed; see the hints above", plural(n.Fail, "check"))}
	}
	return nil
}
