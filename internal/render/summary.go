package render

import (
	"io"
	"os"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/plan"
)

// GitHub Actions caps a step summary at 1 MiB; leave room for other steps.
const stepSummaryMax = 900_000

// AppendStepSummary appends what write writes to the step summary file at
// path (GitHub Actions names it in $GITHUB_STEP_SUMMARY), so plan and
// apply show up on the run's page with no extra workflow step. An empty
// path, outside GitHub Actions, writes nothing.
func AppendStepSummary(path string, write func(io.Writer) error) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// PlanSummary appends the plan's Markdown to the step summary at path, cut
// to fit; out is the file the whole plan was saved to ("" when none), for
// the note that says where the rest is.
func PlanSummary(path string, p *plan.Plan, out string) error {
	hint := "run `workato-gitops plan` to see the full plan"
	if out != "" {
		hint = "the full plan is in " + out
	}
	return AppendStepSummary(path, func(w io.Writer) error {
		return plan.RenderMarkdown(w, p, plan.MarkdownOptions{MaxBytes: stepSummaryMax, FullPlanHint: hint})
	})
}

// ApplySummary appends a table of what apply did to each tenant to the
// step summary at path.
func ApplySummary(path string, res *apply.Result) error {
	return AppendStepSummary(path, func(w io.Writer) error { return ApplyMarkdown(w, res) })
}
