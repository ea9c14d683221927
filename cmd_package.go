package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/workato-gitops/workato-gitops/internal/export"
	"github.com/workato-gitops/workato-gitops/internal/pkgpull"
)

type packagePullOptions struct {
	workspace        string
	folder           string
	out              string
	force            bool
	includeTags      bool
	timeout          time.Duration
	detailedExitCode bool
	debug            bool
}

func packageCommand(e env) *cli.Command {
	return &cli.Command{
		Name:  "package",
		Usage: "move recipe packages between a development workspace and Git",
		Commands: []*cli.Command{
			packagePullCommand(e),
		},
	}
}

func packagePullCommand(e env) *cli.Command {
	return &cli.Command{
		Name:        "pull",
		Usage:       "export a folder of the development workspace into a package directory",
		Description: helpText("package-pull"),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "workspace", Required: true, Usage: "the development `WORKSPACE`: E<external id>, or its numeric id"},
			&cli.StringFlag{Name: "folder", Required: true, Usage: "folder `PATH` in that workspace, e.g. Integrations/Salesforce"},
			&cli.StringFlag{Name: "out", Required: true, Usage: "package `DIR` to write"},
			&cli.BoolFlag{Name: "force", Usage: "replace --out even when it holds something other than an earlier pull"},
			&cli.BoolFlag{Name: "include-tags", Usage: "keep the tags assigned to the exported assets"},
			&cli.DurationFlag{Name: "timeout", Value: 5 * time.Minute, Usage: "give up when the export has not completed after `DURATION`"},
			&cli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 2 when the package changed, 0 when it did not"},
			&cli.BoolFlag{Name: "debug", Usage: "log every HTTP request (method, path, status, time; never headers or bodies) to stderr"},
		},
		Action: func(ctx context.Context, c *cli.Command) error {
			if c.NArg() > 0 {
				return fmt.Errorf("package pull takes no arguments, got %q", c.Args().First())
			}
			o := packagePullOptions{workspace: c.String("workspace"), folder: c.String("folder"), out: c.String("out"),
				force: c.Bool("force"), includeTags: c.Bool("include-tags"), timeout: c.Duration("timeout"),
				detailedExitCode: c.Bool("detailed-exitcode"), debug: c.Bool("debug")}
			return runPackagePull(ctx, o, e)
		},
	}
}

func runPackagePull(ctx context.Context, o packagePullOptions, e env) error {
	ref, err := pkgpull.Workspace(o.workspace)
	if we := (*pkgpull.WorkspaceError)(nil); errors.As(err, &we) {
		return &hinted{err: err, hint: fmt.Sprintf("for the workspace whose external id is %s, pass --workspace E%s", we.Value, we.Value)}
	}
	folder, err := pkgpull.CleanFolder(o.folder)
	if err != nil {
		return err
	}
	// The API is the one of the repository --out belongs to, as for plan.
	cfg, err := export.Config(o.out, schemaFS)
	if err != nil {
		return err
	}
	client, err := apiClient(e, cfg, o.debug)
	if err != nil {
		return err
	}
	p := &pkgpull.Puller{Client: client, Ref: ref, Folder: folder, Timeout: o.timeout,
		Warnf: func(format string, args ...any) {
			fmt.Fprintf(e.stderr, "workato-gitops: warning: "+format+"\n", args...)
		}}
	if onSandbox(e, cfg) {
		p.Interval = time.Millisecond // the in-process sandbox answers at once
	}
	data, err := p.Pull(ctx, o.includeTags)
	if err != nil {
		return fmt.Errorf("pull %s from workspace %s: %w", folder, o.workspace, err)
	}
	fmt.Fprintf(e.stdout, "pulled %q from workspace %s\n", folder, o.workspace)
	w, err := pkgpull.Write(data, o.out, o.force)
	var de *pkgpull.DirError
	if errors.As(err, &de) {
		return &hinted{err: err, hint: "pass --force to replace it with the package"}
	}
	if err != nil {
		return err
	}
	if !w.Changed {
		fmt.Fprintf(e.stdout, "%s is up to date (%s)\n", o.out, w.Digest)
		return nil
	}
	for _, c := range w.Changes {
		fmt.Fprintf(e.stdout, "  %c %s\n", c.Op, c.Name)
	}
	fmt.Fprintf(e.stdout, "%s: %d files, %s\n", o.out, w.Files, w.Digest)
	if o.detailedExitCode {
		return &codeError{code: exitChanges}
	}
	return nil
}
