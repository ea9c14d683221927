package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/apply"
)

func result() *apply.Result {
	return &apply.Result{Tenants: []apply.TenantResult{
		{Name: "acme", Status: apply.StatusPartial, Ledger: "written",
			Ran:         []apply.Outcome{{Action: "create folder A"}},
			Failed:      []apply.Outcome{{Action: "create connection `x|y`", Error: "bad | input\n<b>boom</b>"}},
			Skipped:     []apply.Outcome{{Action: "start recipe R", Reason: "depends on a failed action"}},
			Connections: []apply.Verified{{Key: "A/x", ID: 7}}},
		{Name: "quiet", Status: apply.StatusUnchanged},
		{Name: "blocked", Status: apply.StatusNotApplied, Reason: "a guard blocked it"},
	}}
}

func TestApplyText(t *testing.T) {
	var b bytes.Buffer
	if err := ApplyText(&b, result()); err != nil {
		t.Fatal(err)
	}
	want := `acme: partial (1 ran, 1 failed, 1 skipped; ledger written)
  failed   create connection ` + "`x|y`" + `: bad | input
<b>boom</b>
  skipped  start recipe R: depends on a failed action
  connection "A/x" (#7): not connected
blocked: not applied (a guard blocked it)

Apply: 0 applied, 1 with failures; 1 actions ran, 1 failed, 1 skipped.
`
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestApplyTextEnvironments: with environments the summary counts
// workspaces, and says how many tenants they are.
func TestApplyTextEnvironments(t *testing.T) {
	res := &apply.Result{Tenants: []apply.TenantResult{
		{Name: "acme", Environment: "test", Status: apply.StatusApplied, Ledger: "written", Ran: []apply.Outcome{{Action: "create folder A"}}},
		{Name: "acme", Environment: "prod", Status: apply.StatusApplied, Ledger: "written", Ran: []apply.Outcome{{Action: "create folder A"}}},
		{Name: "beta", Status: apply.StatusPartial, Ledger: "written", Failed: []apply.Outcome{{Action: "create folder B", Error: "boom"}}},
		{Name: "quiet", Environment: "prod", Status: apply.StatusUnchanged},
	}}
	var b bytes.Buffer
	if err := ApplyText(&b, res); err != nil {
		t.Fatal(err)
	}
	want := "\nApply: 2 workspaces applied, 1 with failures (2 tenants); 2 actions ran, 1 failed, 0 skipped.\n"
	if got := b.String(); !strings.HasSuffix(got, want) || !strings.Contains(got, "acme env prod: applied") {
		t.Errorf("got:\n%s\nwant it to end with:\n%s", got, want)
	}
}

// TestApplyMarkdown: a value cannot break the table, a list item or the
// code span, nor smuggle HTML.
func TestApplyMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := ApplyMarkdown(&b, result()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "| acme | partial | 1 | 1 | 1 | written |\n") || strings.Contains(out, "quiet") {
		t.Errorf("table:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "- **acme**") {
			if strings.Contains(line, "<b>") || strings.Count(line, "`") != 2 {
				t.Errorf("failure line not escaped: %s", line)
			}
			return
		}
	}
	t.Errorf("no failure line in:\n%s", out)
}

func TestApplyJSON(t *testing.T) {
	var b bytes.Buffer
	if err := ApplyJSON(&b, result()); err != nil {
		t.Fatal(err)
	}
	var back apply.Result
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || len(back.Tenants) != 3 || back.Tenants[0].Failed[0].Error != "bad | input\n<b>boom</b>" {
		t.Errorf("JSON does not read back: %v\n%s", err, b.String())
	}
}

// TestApplyEnvironments: each environment's result is named in every
// form; JSON carries it as environment.
func TestApplyEnvironments(t *testing.T) {
	res := &apply.Result{Tenants: []apply.TenantResult{
		{Name: "acme", Environment: "test", Status: apply.StatusApplied, Ledger: "written", Ran: []apply.Outcome{{Action: "create folder A"}}},
		{Name: "acme", Environment: "prod", Status: apply.StatusPartial, Ledger: "written",
			Ran: []apply.Outcome{{Action: "create folder A"}}, Failed: []apply.Outcome{{Action: "create folder B", Error: "boom"}}},
	}}
	var text, md, js bytes.Buffer
	if err := ApplyText(&text, res); err != nil {
		t.Fatal(err)
	}
	want := `acme env test: applied (1 ran, 0 failed, 0 skipped; ledger written)
acme env prod: partial (1 ran, 1 failed, 0 skipped; ledger written)
  failed   create folder B: boom

Apply: 1 workspace applied, 1 with failures (1 tenant); 2 actions ran, 1 failed, 0 skipped.
`
	if got := text.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if err := ApplyMarkdown(&md, res); err != nil {
		t.Fatal(err)
	}
	if out := md.String(); !strings.Contains(out, "| acme env prod | partial |") || !strings.Contains(out, "- **acme env prod** `create folder B`: boom") {
		t.Errorf("markdown:\n%s", out)
	}
	if err := ApplyJSON(&js, res); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"environment": "prod"`) {
		t.Errorf("JSON:\n%s", js.String())
	}
}
