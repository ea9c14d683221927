package render

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/plan"
)

func TestAppendStepSummaryAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary.md")
	if err := os.WriteFile(path, []byte("an earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ApplySummary(path, result()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(data)
	if !strings.HasPrefix(got, "an earlier step\n## workato-gitops apply\n") || !strings.Contains(got, "| acme | partial |") {
		t.Errorf("the summary does not keep the earlier step and add the apply's table:\n%s", got)
	}
}

func TestAppendStepSummaryWithoutPath(t *testing.T) {
	called := false
	err := AppendStepSummary("", func(io.Writer) error { called = true; return nil })
	if err != nil || called {
		t.Errorf("no path: error %v, written %v; want nothing done", err, called)
	}
}

func TestAppendStepSummaryErrors(t *testing.T) {
	dir := t.TempDir()
	if err := AppendStepSummary(filepath.Join(dir, "missing", "summary.md"), func(io.Writer) error { return nil }); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file in a missing directory: %v, want ErrNotExist", err)
	}
	boom := errors.New("boom")
	if err := AppendStepSummary(filepath.Join(dir, "summary.md"), func(io.Writer) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("a failed write: %v, want the writer's error", err)
	}
}

// TestPlanSummaryFits: a fleet's plan is cut to what a step summary takes,
// and the cut says where the whole plan is.
func TestPlanSummaryFits(t *testing.T) {
	p := &plan.Plan{FormatVersion: plan.FormatVersion}
	for i := range 1000 {
		p.Tenants = append(p.Tenants, plan.TenantPlan{Name: fmt.Sprintf("tenant-%04d", i), ExternalID: fmt.Sprintf("E%04d", i),
			Status: plan.StatusFailed, Error: strings.Repeat("the API refused the read ", 60)})
	}
	for _, tc := range []struct{ out, hint string }{
		{"plan.json", "the full plan is in plan.json"},
		{"", "run `workato-gitops plan` to see the full plan"},
	} {
		path := filepath.Join(t.TempDir(), "summary.md")
		if err := PlanSummary(path, p, tc.out); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) > stepSummaryMax {
			t.Errorf("out %q: %d bytes, over %d", tc.out, len(data), stepSummaryMax)
		}
		if !strings.Contains(string(data), tc.hint) {
			t.Errorf("out %q: the cut plan does not say %q", tc.out, tc.hint)
		}
	}
}
