package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v3"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/planrun"
	"github.com/workato-gitops/workato-gitops/internal/render"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

type planOptions struct {
	dir              string
	tenants          []string
	changedSince     string // a git ref: plan only the tenants changed since it
	out              string
	format           string
	detailedExitCode bool
	noColor          bool
	refresh          bool
	live             string
	parallelism      int
	debug            bool
	// keyless lets plan (never apply) load the manifests without
	// decrypting them when no SOPS key is configured.
	keyless bool
	// units, when not nil, narrows the selection to these entries (apply
	// --plan: exactly the saved plan's tenants and environments).
	units map[string]bool
	// display: the run only prints (and saves) the plan, so it keeps no
	// more than that needs (planrun.Live.Display); apply leaves it unset.
	display bool
}

func planCommand(e env) *cli.Command {
	return &cli.Command{
		Name:        "plan",
		Usage:       "read live state, diff it with the manifests and print what apply would do",
		ArgsUsage:   "[DIR]",
		Description: helpText("plan"),
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "tenant", Usage: "plan only tenants whose name matches `NAME` (a glob; NAME@ENV: that environment only, e.g. acme@prod; repeatable)"},
			&cli.StringFlag{Name: "changed-since", Usage: "plan only tenants whose manifest, bases or packages changed since git `REF` (from its merge base with HEAD, uncommitted files included; a config change affects all)"},
			&cli.StringFlag{Name: "out", Usage: "save the plan, with digests and live fingerprints, to `FILE` for apply --plan"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: text, json or markdown"},
			&cli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 2 when the plan has changes, 0 when it has none"},
			&cli.BoolFlag{Name: "no-color", Usage: "no colour in text output (also NO_COLOR)"},
			&cli.BoolFlag{Name: "refresh", Value: true, Usage: "read live state; --refresh=false plans against the live state saved in --live"},
			&cli.StringFlag{Name: "live", Usage: "saved plan `FILE` whose live state --refresh=false plans against"},
			&cli.IntFlag{Name: "parallelism", Usage: "tenants handled at once", DefaultText: "the config's parallelism, else 8"},
			&cli.BoolFlag{Name: "debug", Usage: "log every HTTP request (method, path, status, time; never headers or bodies) to stderr"},
		},
		Action: func(ctx context.Context, c *cli.Command) error {
			dir, err := dirArg(c)
			if err != nil {
				return err
			}
			o := planOptions{dir: dir, tenants: c.StringSlice("tenant"), changedSince: c.String("changed-since"), out: c.String("out"), format: c.String("format"),
				detailedExitCode: c.Bool("detailed-exitcode"), noColor: c.Bool("no-color"), refresh: c.Bool("refresh"),
				live: c.String("live"), parallelism: c.Int("parallelism"), debug: c.Bool("debug"), keyless: true, display: true}
			return runPlan(ctx, o, e)
		},
	}
}

// planned is everything a plan run produced, for printing, saving and
// applying.
type planned = planrun.Planned

func runPlan(ctx context.Context, o planOptions, e env) error {
	switch o.format {
	case "text", "json", "markdown":
	default:
		return fmt.Errorf("--format must be text, json or markdown, not %q", o.format)
	}
	if !o.refresh && o.live == "" {
		return &hinted{err: errors.New("--refresh=false needs --live FILE"), hint: "save live state with plan --out FILE first"}
	}
	p, err := makePlan(ctx, o, e)
	if err != nil {
		return err
	}
	if err := renderPlan(e, p.Plan, o.format, o.noColor, e.stdout); err != nil {
		return err
	}
	if err := render.PlanSummary(e.getenv("GITHUB_STEP_SUMMARY"), p.Plan, o.out); err != nil {
		return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
	}
	if o.out != "" {
		if err := p.Save(o.out, buildVersion()); err != nil {
			return fmt.Errorf("save plan: %w", err)
		}
		fmt.Fprintf(e.stderr, "workato-gitops: plan saved to %s; %s\n", o.out, applyHint(p.Plan, o, e.stdinTTY))
	}
	return planExit(p.Plan, o.detailedExitCode)
}

// applyHint says how to apply a saved plan, only when some tenant has
// changes apply would make; --auto-approve is part of the command where
// apply could not ask (no terminal, as in CI).
func applyHint(p *plan.Plan, o planOptions, tty bool) string {
	appliable, failed, blocked := p.TenantsToApply()
	if appliable == 0 {
		switch {
		case failed+blocked > 0:
			return fmt.Sprintf("nothing in it can be applied (%d failed, %d blocked)", failed, blocked)
		default:
			return "nothing in it to apply"
		}
	}
	approve := ""
	if !tty {
		approve = " --auto-approve"
	}
	return fmt.Sprintf("apply it with: workato-gitops apply --plan %s%s %s", o.out, approve, o.dir)
}

// planExit maps a plan to the exit code: failed tenants are errors, a
// guard is 3, changes are 2 only when asked for.
func planExit(p *plan.Plan, detailed bool) error {
	switch {
	case p.Failed():
		return &codeError{code: exitError, err: errors.New("some tenants could not be planned (see above)")}
	case p.Blocked():
		return &codeError{code: exitBlocked, err: errors.New("a guard blocked some tenants; nothing will be applied to them")}
	case detailed && p.HasChanges():
		return &codeError{code: exitChanges}
	}
	return nil
}

func makePlan(ctx context.Context, o planOptions, e env) (*planned, error) {
	skip := o.keyless && spec.NoKeyConfigured(keyEnv(e))
	if skip {
		fmt.Fprintln(e.stderr, "workato-gitops: no SOPS key: planning without decrypting; inputs are compared by their ciphertext, and ownership is not verified (apply needs the key)")
	}
	repo, err := loadRepo(o.dir, skip, e)
	if err != nil {
		return nil, err
	}
	return planRepo(ctx, o, e, repo)
}

// planRepo plans the tenants of a loaded repository, against the live
// state the API says, or the one saved in --live with --refresh=false.
func planRepo(ctx context.Context, o planOptions, e env, repo *spec.Repo) (*planned, error) {
	live := planrun.Live{Parallelism: o.parallelism, SavedName: o.live, Units: o.units, Display: o.display, SaveLive: o.out != ""}
	if o.changedSince != "" {
		live.Narrow = func(ctx context.Context, tenants []*spec.Tenant) ([]*spec.Tenant, error) {
			return changedScope(ctx, e, repo, tenants, o.changedSince)
		}
	}
	var err error
	if !o.refresh {
		live.Saved, err = planrun.ReadSaved(o.live)
	} else {
		live.Client, err = apiClient(e, repo.Config, o.debug)
	}
	if err != nil {
		return nil, err
	}
	pl, err := planrun.Run(ctx, repo, o.tenants, live)
	if err != nil {
		return nil, err
	}
	for _, w := range pl.Warnings {
		fmt.Fprintf(e.stderr, "workato-gitops: warning: %s\n", w)
	}
	return pl, nil
}

func renderPlan(e env, p *plan.Plan, format string, noColor bool, w io.Writer) error {
	switch format {
	case "json":
		return plan.RenderJSON(w, p)
	case "markdown":
		return plan.RenderMarkdown(w, p, plan.MarkdownOptions{})
	}
	color := e.stdoutTTY && !noColor && e.getenv("NO_COLOR") == ""
	return plan.RenderText(w, p, plan.TextOptions{Color: color})
}
