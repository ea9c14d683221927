// Package render holds the views of an apply, beside the plan's own
// renderers in internal/plan: its progress, and its result as the text a
// person reads, the JSON a script reads and the Markdown of a CI job
// summary, which it appends, with the plan's, to the step summary file
// package main names. Each writes to the writer or file it is given; none
// decides anything or reads the environment.
package render

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/workato-gitops/workato-gitops/internal/apply"
	"github.com/workato-gitops/workato-gitops/internal/plan"
)

// ApplyJSON writes the result as indented JSON.
func ApplyJSON(w io.Writer, res *apply.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

// ApplyText says, tenant by tenant, what ran, failed and was skipped, then
// a one-line summary.
func ApplyText(w io.Writer, res *apply.Result) error {
	var ran, failed, skippedN, applied, partial int
	var units plan.UnitCount // the entries applied or partly applied
	for _, t := range res.Tenants {
		ran += len(t.Ran)
		failed += len(t.Failed)
		skippedN += len(t.Skipped)
		switch t.Status {
		case apply.StatusUnchanged:
			continue
		case apply.StatusNotApplied:
			fmt.Fprintf(w, "%s: not applied (%s)\n", t.Label(), t.Reason)
			continue
		case apply.StatusApplied:
			applied++
		default:
			partial++
		}
		units.Add(t.Name, t.Environment)
		fmt.Fprintf(w, "%s: %s (%d ran, %d failed, %d skipped; ledger %s)\n", t.Label(), t.Status, len(t.Ran), len(t.Failed), len(t.Skipped), t.Ledger)
		for _, o := range t.Failed {
			fmt.Fprintf(w, "  failed   %s: %s\n", o.Action, o.Error)
		}
		for _, o := range t.Skipped {
			fmt.Fprintf(w, "  skipped  %s: %s\n", o.Action, o.Reason)
		}
		for _, c := range t.Connections {
			status := c.AuthorizationStatus
			if status == "" {
				status = "not connected"
			}
			if c.AuthorizationError != "" {
				status += ": " + c.AuthorizationError
			}
			fmt.Fprintf(w, "  connection %q (#%d): %s\n", c.Key, c.ID, status)
		}
	}
	if slices.ContainsFunc(res.Tenants, func(t apply.TenantResult) bool { return t.Environment != "" }) {
		// Entries are workspaces: say so, and how many tenants they are.
		_, err := fmt.Fprintf(w, "\nApply: %s applied, %d with failures (%s); %d actions ran, %d failed, %d skipped.\n",
			Plural(applied, "workspace"), partial, Plural(units.Tenants(), "tenant"), ran, failed, skippedN)
		return err
	}
	_, err := fmt.Fprintf(w, "\nApply: %d applied, %d with failures; %d actions ran, %d failed, %d skipped.\n", applied, partial, ran, failed, skippedN)
	return err
}

// ApplyMarkdown is a table of what apply did to each tenant, then its
// failures; every value is escaped with the plan's Markdown escaper.
func ApplyMarkdown(w io.Writer, res *apply.Result) error {
	text, code := plan.MarkdownText, plan.MarkdownCode
	fmt.Fprintln(w, "## workato-gitops apply")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| tenant | status | ran | failed | skipped | ledger |")
	fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | --- |")
	var failures []string
	for _, t := range res.Tenants {
		if t.Status == apply.StatusUnchanged {
			continue
		}
		fmt.Fprintf(w, "| %s | %s | %d | %d | %d | %s |\n", text(t.Label()), text(string(t.Status)), len(t.Ran), len(t.Failed), len(t.Skipped), text(t.Ledger))
		for _, o := range t.Failed {
			failures = append(failures, fmt.Sprintf("- **%s** `%s`: %s", text(t.Label()), code(o.Action), text(o.Error)))
		}
	}
	if len(failures) > 0 {
		fmt.Fprintln(w, "\n**Failures** (apply again once fixed; it resumes where this run stopped):")
		for _, f := range failures {
			fmt.Fprintln(w, f)
		}
	}
	return nil
}
