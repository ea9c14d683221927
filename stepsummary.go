package main

import (
	"fmt"
	"io"
	"os"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/render"
)

// GitHub Actions caps a step summary at 1 MiB; leave room for other steps.
const stepSummaryMax = 900_000

// appendStepSummary appends Markdown to $GITHUB_STEP_SUMMARY when GitHub
// Actions sets it, so plan and apply show up on the run's page with no
// extra workflow step.
func appendStepSummary(e env, write func(io.Writer) error) error {
	path := e.getenv("GITHUB_STEP_SUMMARY")
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
	}
	return f.Close()
}

func planSummary(e env, p *plan.Plan, out string) error {
	hint := "run `workato-gitops plan` to see the full plan"
	if out != "" {
		hint = "the full plan is in " + out
	}
	return appendStepSummary(e, func(w io.Writer) error {
		return plan.RenderMarkdown(w, p, plan.MarkdownOptions{MaxBytes: stepSummaryMax, FullPlanHint: hint})
	})
}

// applySummary is a table of what apply did to each tenant.
func applySummary(e env, res *apply.Result) error {
	return appendStepSummary(e, func(w io.Writer) error { return render.ApplyMarkdown(w, res) })
}
