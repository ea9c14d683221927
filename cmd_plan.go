package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"

	"github.com/urfave/cli/v2"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

type planOptions struct {
	dir              string
	tenants          []string
	out              string
	format           string
	detailedExitCode bool
	noColor          bool
	refresh          bool
	live             string
	parallelism      int
	debug            bool
}

func planCommand(e env) *cli.Command {
	return &cli.Command{
		Name:      "plan",
		Usage:     "read live state, diff it with the manifests and print what apply would do",
		ArgsUsage: "[DIR]",
		Description: `Loads and validates the manifests below DIR, reads each tenant's live state
through the Embedded API (only what the plan needs), and prints the ordered
actions: create, update, reconnect, disconnect, delete, import, start, stop,
adopt, and unmanaged objects it will leave alone. Nothing is changed.

The API is WORKATO_API_URL (or WORKATO_DATA_CENTER, or the config's api),
with the token in WORKATO_API_TOKEN; WORKATO_API_URL=sandbox:FILE plans
against an in-process sandbox.

Examples:
   workato-gitops plan tenants/
   workato-gitops plan --tenant 'acme*' --format markdown --out plan.json
   workato-gitops plan --detailed-exitcode     # 0 no changes, 2 changes
   workato-gitops plan --refresh=false --live plan.json   # offline, from a saved plan`,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "tenant", Usage: "plan only tenants whose name matches `NAME` (a glob; repeatable)"},
			&cli.StringFlag{Name: "out", Usage: "save the plan, with digests and live fingerprints, to `FILE` for apply --plan"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: text, json or markdown"},
			&cli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 2 when the plan has changes, 0 when it has none"},
			&cli.BoolFlag{Name: "no-color", Usage: "no colour in text output (also NO_COLOR)"},
			&cli.BoolFlag{Name: "refresh", Value: true, Usage: "read live state; --refresh=false plans against the live state saved in --live"},
			&cli.StringFlag{Name: "live", Usage: "saved plan `FILE` whose live state --refresh=false plans against"},
			&cli.IntFlag{Name: "parallelism", Usage: "tenants handled at once", DefaultText: "the config's parallelism, else 8"},
			&cli.BoolFlag{Name: "debug", Usage: "log every HTTP request (method, path, status, time; never headers or bodies) to stderr"},
		},
		Action: func(c *cli.Context) error {
			dir, err := dirArg(c)
			if err != nil {
				return err
			}
			o := planOptions{dir: dir, tenants: c.StringSlice("tenant"), out: c.String("out"), format: c.String("format"),
				detailedExitCode: c.Bool("detailed-exitcode"), noColor: c.Bool("no-color"), refresh: c.Bool("refresh"),
				live: c.String("live"), parallelism: c.Int("parallelism"), debug: c.Bool("debug")}
			return runPlan(c.Context, o, e)
		},
	}
}

// planned is everything a plan run produced, for printing, saving and
// applying.
type planned struct {
	repo    *spec.Repo
	tenants []*spec.Tenant
	inputs  []plan.Input
	plan    *plan.Plan
	pkgs    *apply.Packages
	// client read the live state; apply writes through the same one, so
	// that one scheduler counts every call against Workato's budget.
	client *workato.Client
}

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
	if err := renderPlan(e, p.plan, o.format, o.noColor, e.stdout); err != nil {
		return err
	}
	if err := planSummary(e, p.plan, o.out); err != nil {
		return err
	}
	if o.out != "" {
		if err := savePlan(o.out, p); err != nil {
			return fmt.Errorf("save plan: %w", err)
		}
		fmt.Fprintf(e.stderr, "workato-gitops: plan saved to %s; apply it with: workato-gitops apply --plan %s %s\n", o.out, o.out, o.dir)
	}
	return planExit(p.plan, o.detailedExitCode)
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
	repo, err := loadRepo(o.dir, false, e)
	if err != nil {
		return nil, err
	}
	return planRepo(ctx, o, e, repo)
}

// planRepo plans the tenants of a loaded repository.
func planRepo(ctx context.Context, o planOptions, e env, repo *spec.Repo) (*planned, error) {
	tenants, err := selectTenants(repo.Tenants, o.tenants)
	if err != nil {
		return nil, err
	}
	pl := &planned{repo: repo, tenants: tenants, pkgs: &apply.Packages{}}
	results, err := pl.readLive(ctx, o, e)
	if err != nil {
		return nil, err
	}
	for i, t := range tenants {
		digests, err := pl.pkgs.Digests(t)
		if err != nil {
			return nil, err
		}
		pl.inputs = append(pl.inputs, plan.Input{
			Desired: plan.Desired{Tenant: t, PackageDigests: digests, FingerprintKey: repo.Config.FingerprintKey},
			Live:    results[i].Live, ReadErr: results[i].Err,
		})
	}
	pl.plan = plan.Build(pl.inputs, plan.Options{
		MaxDeletesPerTenant: repo.Config.Guards.MaxDeletesPerTenant, MaxDeletesTotal: repo.Config.Guards.MaxDeletesTotal,
		Rollout: repo.Config.Rollout,
	})
	return pl, nil
}

func (pl *planned) readLive(ctx context.Context, o planOptions, e env) ([]apply.LiveResult, error) {
	repo, tenants := pl.repo, pl.tenants
	if !o.refresh {
		saved, err := readSavedPlan(o.live)
		if err != nil {
			return nil, err
		}
		out := make([]apply.LiveResult, len(tenants))
		for i, t := range tenants {
			if l, ok := saved.Live[t.Name]; ok {
				out[i].Live = l
			} else {
				out[i].Err = fmt.Errorf("%s holds no live state for this tenant", o.live)
			}
		}
		return out, nil
	}
	client, err := apiClient(e, repo.Config, o.debug)
	if err != nil {
		return nil, err
	}
	pl.client = client
	r := &apply.Reader{Client: client, Parallelism: o.parallelism}
	if r.Parallelism == 0 {
		r.Parallelism = repo.Config.Parallelism
	}
	return r.ReadAll(ctx, tenants), nil
}

// selectTenants keeps the tenants matching any pattern (all with none);
// a pattern that matches nothing is an error, to catch typos.
func selectTenants(all []*spec.Tenant, patterns []string) ([]*spec.Tenant, error) {
	if len(patterns) == 0 {
		return all, nil
	}
	var out []*spec.Tenant
	for _, t := range all {
		for _, p := range patterns {
			if ok, err := path.Match(p, t.Name); err != nil {
				return nil, fmt.Errorf("--tenant %q: %v", p, err)
			} else if ok {
				out = append(out, t)
				break
			}
		}
	}
	for _, p := range patterns {
		found := false
		for _, t := range out {
			if ok, _ := path.Match(p, t.Name); ok {
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("--tenant %q matches no tenant", p)
		}
	}
	return out, nil
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

func savePlan(file string, p *planned) error {
	saved := &plan.Saved{
		FormatVersion: plan.FormatVersion, ToolVersion: buildVersion(), Manifests: map[string]string{},
		Plan: p.plan, Live: map[string]*plan.Live{}, Fingerprints: map[string]map[string]string{},
	}
	for _, f := range p.repo.Files {
		saved.Manifests[f.Path] = f.SHA256
	}
	for i, in := range p.inputs {
		if in.Live != nil && in.ReadErr == nil {
			name := p.tenants[i].Name
			saved.Live[name] = in.Live
			saved.Fingerprints[name] = plan.ObjectFingerprints(in.Live)
		}
	}
	return atomicWrite(file, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(saved)
	})
}

func readSavedPlan(file string) (*plan.Saved, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	s, err := plan.ReadSaved(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return s, nil
}
