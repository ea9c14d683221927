package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/export"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// Validated is validate's answer: one short line at any fleet size (a few
// tenant names, then how many more, and with customer.environments how
// many workspaces they manage), and a note when values were not
// decrypted.
func Validated(w io.Writer, all []*spec.Tenant, files int, skipDecrypt bool) {
	tenants := make([]string, len(all))
	workspaces, envs := 0, false
	for i, t := range all {
		tenants[i] = t.Name
		workspaces += max(1, len(t.Customer.Environments))
		envs = envs || len(t.Customer.Environments) > 0
	}
	fmt.Fprint(w, Plural(len(tenants), "tenant"))
	if envs {
		fmt.Fprintf(w, " (%s)", Plural(workspaces, "workspace"))
	}
	fmt.Fprintf(w, " valid in %s", Plural(files, "file"))
	const shown = 5
	switch {
	case len(tenants) > shown:
		fmt.Fprintf(w, ": %s and %d more", strings.Join(tenants[:shown], ", "), len(tenants)-shown)
	case len(tenants) > 0:
		fmt.Fprintf(w, ": %s", strings.Join(tenants, ", "))
	}
	fmt.Fprintln(w)
	if skipDecrypt {
		fmt.Fprintln(w, "note: SOPS values were not decrypted (--skip-decrypt)")
	}
}

// Exported says what each export wrote (on out) and which workspaces
// failed or lost objects (on errs), and returns how many failed.
func Exported(out, errs io.Writer, results []export.Result) (failed int) {
	for _, r := range results {
		j := r.Job
		if r.Err != nil {
			failed++
			fmt.Fprintf(errs, "workato-gitops: error: export customer %s (#%d): %v\n", j.Customer.ExternalID, j.Customer.ID, r.Err)
			continue
		}
		t := r.Tenant
		// Kinds without objects are left out: the line says what was
		// written, and does not grow with every kind export knows.
		var counts []string
		for _, s := range t.Sections {
			if !s.Single && len(s.Objects) > 0 {
				counts = append(counts, Plural(len(s.Objects), string(s.Kind)))
			}
		}
		what := "the customer only"
		if len(counts) > 0 {
			what = strings.Join(counts, ", ")
		}
		fmt.Fprintf(out, "%s: %s (%s)\n", j.Path, j.Customer.ExternalID, what)
		if len(t.Skipped) > 0 {
			fmt.Fprintf(errs, "workato-gitops: %s: %s not exported; the file's header says why\n", j.Path, Plural(len(t.Skipped), "object"))
		}
	}
	return failed
}

// Plural is "1 word" or "N words".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// ToApply names what apply's confirmation asks about: the tenants it
// changes, and with environments the workspaces ("1 tenant (2
// workspaces)").
func ToApply(p *plan.Plan) string {
	if c := p.ToApply(); c.Environments {
		return c.String()
	}
	n, _, _ := p.TenantsToApply()
	return Plural(n, "tenant")
}
