package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/planrun"
	"github.com/workato-gitops/workato-gitops/internal/render"
)

type applyOptions struct {
	planOptions
	planFile    string
	autoApprove bool
	json        bool
	maxDuration time.Duration // 0: no time limit
}

func applyCommand(e env) *cli.Command {
	pc := planCommand(e)
	flags := []cli.Flag{
		&cli.StringFlag{Name: "plan", Usage: "apply only if planning again gives exactly the plan saved in `FILE` by plan --out"},
		&cli.BoolFlag{Name: "auto-approve", Usage: "do not ask for confirmation (needed without a terminal, e.g. in CI)"},
		&cli.BoolFlag{Name: "json", Usage: "print the result as JSON on stdout (the plan goes to stderr)"},
		&cli.DurationFlag{Name: "max-duration", Usage: "start no new action `D` after apply started (e.g. 50m, below a CI job's limit); exit 4 with work left"},
	}
	for _, f := range pc.Flags {
		switch f.Names()[0] {
		case "tenant", "changed-since", "no-color", "parallelism", "debug":
			flags = append(flags, f)
		}
	}
	return &cli.Command{
		Name:        "apply",
		Usage:       "make the workspaces match the manifests",
		ArgsUsage:   "[DIR]",
		Description: helpText("apply"),
		Flags:       flags,
		Action: func(ctx context.Context, c *cli.Command) error {
			dir, err := dirArg(c)
			if err != nil {
				return err
			}
			o := applyOptions{
				planOptions: planOptions{dir: dir, tenants: c.StringSlice("tenant"), changedSince: c.String("changed-since"), noColor: c.Bool("no-color"), refresh: true,
					parallelism: c.Int("parallelism"), debug: c.Bool("debug"), format: "text"},
				planFile: c.String("plan"), autoApprove: c.Bool("auto-approve"), json: c.Bool("json"),
				maxDuration: c.Duration("max-duration"),
			}
			if o.maxDuration < 0 {
				return errors.New("--max-duration must not be negative")
			}
			ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runApply(ctx, o, e)
		},
	}
}

func runApply(ctx context.Context, o applyOptions, e env) error {
	started := time.Now()
	if o.planFile != "" && len(o.tenants) > 0 {
		return errors.New("--tenant cannot narrow a saved plan; plan again with --tenant")
	}
	if o.planFile != "" && o.changedSince != "" {
		return errors.New("--changed-since cannot narrow a saved plan; plan again with --changed-since")
	}
	if !o.autoApprove && !e.stdinTTY {
		return &hinted{err: errors.New("apply needs a confirmation and there is no terminal to ask on"),
			hint: "review the plan, then run apply --auto-approve (in CI: apply a saved plan with --plan FILE --auto-approve)"}
	}
	var p *planned
	var err error
	if o.planFile != "" {
		p, err = loadSavedPlan(ctx, o, e)
	} else {
		p, err = makePlan(ctx, o.planOptions, e)
	}
	if err != nil {
		return err
	}
	planOut := e.stdout
	if o.json {
		planOut = e.stderr
	}
	if o.planFile != "" && o.autoApprove {
		// The plan was reviewed when it was saved, and the fresh plan
		// equals it: its total is enough here.
		fmt.Fprintf(planOut, "Applying the plan saved in %s. %s\n", o.planFile, plan.TotalLine(p.Plan))
	} else if err := renderPlan(e, p.Plan, "text", o.noColor, planOut); err != nil {
		return err
	}
	if !p.Plan.HasChanges() {
		return planExit(p.Plan, false)
	}
	if !o.autoApprove && !confirm(e, p.Plan) {
		return &codeError{code: exitError, err: errors.New("apply cancelled")}
	}
	x := p.Executor(o.parallelism)
	x.LeaseOwner = leaseOwner(e)
	if x.ImportPoll = e.importPoll; x.ImportPoll == 0 && onSandbox(e, p.Repo.Config) { // e.importPoll: zero but in tests
		x.ImportPoll = 20 * time.Millisecond // an in-process import is done at once
	}
	if o.maxDuration > 0 {
		deadline := started.Add(o.maxDuration)
		x.Expired = func() bool { return !time.Now().Before(deadline) }
	}
	progress := render.NewProgress(e.stderr, e.stdoutTTY)
	x.Events = progress.Event
	res := x.Apply(ctx, p.Work())
	progress.Close()
	if err := render.ApplySummary(e.getenv("GITHUB_STEP_SUMMARY"), res); err != nil {
		fmt.Fprintf(e.stderr, "workato-gitops: warning: GITHUB_STEP_SUMMARY: %v\n", err)
	}
	view := render.ApplyText
	if o.json {
		view = render.ApplyJSON
	}
	if err := view(e.stdout, res); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return &codeError{code: exitError, err: errors.New("interrupted: the ledgers record what succeeded; run apply again to finish")}
	}
	if res.TimeLimitReached && !res.FailedBeyondTimeLimit() {
		return &codeError{code: exitTimeUp, err: fmt.Errorf("stopped at --max-duration %v: the ledgers record what succeeded; run apply again to continue", o.maxDuration)}
	}
	if res.Failed() {
		return &codeError{code: exitError, err: errors.New("some actions failed (see above); run apply again after fixing them, it resumes where this one stopped")}
	}
	return planExit(p.Plan, false)
}

// leaseOwner names this apply in workspace leases: the CI run when there
// is one, else the host and process.
func leaseOwner(e env) string {
	if srv, repo, id := e.getenv("GITHUB_SERVER_URL"), e.getenv("GITHUB_REPOSITORY"), e.getenv("GITHUB_RUN_ID"); repo != "" && id != "" {
		return srv + "/" + repo + "/actions/runs/" + id
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("workato-gitops on %s, pid %d", host, os.Getpid())
}

// confirm asks on the terminal; only "yes" goes ahead.
func confirm(e env, p *plan.Plan) bool {
	fmt.Fprintf(e.stderr, "\nApply these changes to %s? Only 'yes' will be accepted: ", render.ToApply(p))
	line, _ := bufio.NewReader(e.stdin).ReadString('\n')
	return strings.TrimSpace(line) == "yes"
}

// loadSavedPlan reads a saved plan as a commitment (see planrun.Recheck):
// apply runs the fresh plan, and only when it equals the saved one.
func loadSavedPlan(ctx context.Context, o applyOptions, e env) (*planned, error) {
	saved, err := planrun.ReadSaved(o.planFile)
	if err != nil {
		return nil, err
	}
	repo, err := loadRepo(o.dir, false, e)
	if err != nil {
		return nil, err
	}
	fresh, err := planrun.Recheck(saved, o.planFile, repo, func(units map[string]bool) (*planned, error) {
		o.tenants, o.units = nil, units
		return planRepo(ctx, o.planOptions, e, repo)
	})
	if errors.As(err, new(*planrun.StaleError)) {
		return nil, &hinted{err: err, hint: "plan again and review the new plan"}
	}
	return fresh, err
}
