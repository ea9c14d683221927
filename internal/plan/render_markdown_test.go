package plan

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// fleet builds n tenants, each with two actions of every op. Every
// tenant has the same actions, so they are built once and copied.
func fleet(n int) *Plan {
	var actions []Action
	for j := range 2 * len(Ops) {
		op := Ops[j%len(Ops)]
		key := fmt.Sprintf("Integrations/Team %d/Connection %d", j/len(Ops), j)
		actions = append(actions, Action{ID: string(op) + " connection " + key, Op: op, Kind: KindConnection,
			Key: k(key), LiveID: int64(5000 + j), Reason: "a reason of ordinary length for " + string(op),
			Changes: []Change{{Field: "name", Old: "old name", New: "new name"}, {Field: "input", Sensitive: true}}})
	}
	p := &Plan{FormatVersion: FormatVersion, Tenants: make([]TenantPlan, n)}
	for i := range p.Tenants {
		p.Tenants[i] = TenantPlan{Name: fmt.Sprintf("tenant-%04d", i), ExternalID: fmt.Sprintf("E%04d", i),
			CustomerID: int64(1000 + i), Status: StatusPlanned, Actions: slices.Clone(actions)}
	}
	return p
}

func TestMarkdownStaysUnderLimit(t *testing.T) {
	const hint = "the full plan is in the workflow artifact plan.json"
	big := fleet(2000) // RenderMarkdown only reads it
	tests := []struct {
		name        string
		p           *Plan
		maxBytes    int
		wantCut     bool
		wantRowsCut bool
	}{
		{"10 tenants fit whole", fleet(10), 0, false, false},
		{"100 tenants lose details", fleet(100), 0, true, false},
		{"2,000 tenants lose details and rows", big, 0, true, true},
		{"GitHub's own limit", big, 65536, true, true},
		{"a small limit", fleet(50), 4000, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := RenderMarkdown(&buf, tt.p, MarkdownOptions{MaxBytes: tt.maxBytes, FullPlanHint: hint}); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			limit := tt.maxBytes
			if limit == 0 {
				limit = DefaultMarkdownMaxBytes
			}
			if len(out) >= 65536 || len(out) > limit {
				t.Fatalf("output is %d bytes, over the limit of %d", len(out), limit)
			}
			n := len(tt.p.Tenants)
			details := strings.Count(out, "<details>")
			rows := strings.Count(out, "| ✅ planned |")
			note := strings.Contains(out, "cut to fit GitHub's comment limit; "+hint+".")
			if note != tt.wantCut {
				t.Errorf("cut note present = %v, want %v", note, tt.wantCut)
			}
			if !tt.wantCut {
				if details != n || rows != n {
					t.Errorf("%d details and %d rows, want %d of each", details, rows, n)
				}
				return
			}
			if details < n {
				if want := "> Details for " + plural(n-details, "tenant", "tenants"); !strings.Contains(out, want) {
					t.Errorf("no %q in the cut note:\n%s", want, out[:min(len(out), 2000)])
				}
			}
			if rows == 0 && !strings.Contains(out, "table rows for") {
				t.Errorf("the summary table is gone and the note does not say so")
			}
			if gotRowsCut := rows < n; gotRowsCut != tt.wantRowsCut {
				t.Errorf("%d of %d rows kept; rows cut = %v, want %v", rows, n, gotRowsCut, tt.wantRowsCut)
			}
			if rows < n {
				want := fmt.Sprintf("table rows for %s (from tenant-%04d on)", plural(n-rows, "tenant", "tenants"), rows)
				if !strings.Contains(out, want) {
					t.Errorf("no %q in the cut note", want)
				}
			}
			if rows == n && details == 0 {
				t.Errorf("every details block was cut although rows were not")
			}
			// Only what could not fit was cut: the next details block
			// would have gone over the limit.
			if rows == n && details < n {
				var whole bytes.Buffer
				if err := RenderMarkdown(&whole, tt.p, MarkdownOptions{MaxBytes: 1 << 30}); err != nil {
					t.Fatal(err)
				}
				_, next, _ := strings.Cut(whole.String(), fmt.Sprintf("<details><summary>tenant-%04d:", details))
				next, _, _ = strings.Cut(next, "</details>\n")
				if len(out)+len(next) <= limit {
					t.Errorf("%d of %d details blocks kept in %d bytes, but the next one (%d bytes) fits the limit of %d", details, n, len(out), len(next), limit)
				}
			}
			// What survives is a prefix, so the comment stays stable as the
			// plan grows at the end.
			if details > 0 && !strings.Contains(out, "<summary>tenant-0000:") {
				t.Errorf("the first tenant's details were cut before later ones")
			}
		})
	}
}

func TestMarkdownLimitTooSmall(t *testing.T) {
	err := RenderMarkdown(&bytes.Buffer{}, fleet(3), MarkdownOptions{MaxBytes: 100})
	if err == nil {
		t.Fatal("a 100-byte limit was met; want an error")
	}
}

func TestMarkdownEscapesNames(t *testing.T) {
	hostile := "evil|name <script>alert(1)</script> ``` `x` *b* [l](http://x) @team\nsecond line"
	p := &Plan{FormatVersion: FormatVersion, Tenants: []TenantPlan{
		{Name: hostile, ExternalID: "E1", Status: StatusBlocked,
			Guards: []Guard{{Rule: RuleProtected, Message: "connection " + hostile + " is protected"}},
			Actions: []Action{{ID: "delete connection x", Op: OpDelete, Kind: KindConnection, Key: spec.Key{Name: hostile}, LiveID: 9,
				Reason: "left the manifest", Changes: []Change{{Field: "name", Old: hostile, New: nil}}}}},
		{Name: "ok", ExternalID: "E2", Status: StatusFailed, Error: "live state: " + hostile},
	}}
	var buf bytes.Buffer
	if err := RenderMarkdown(&buf, p, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	// Inside the diff block a tag is only text; outside it, it would be HTML.
	before, rest, _ := strings.Cut(out, "````diff\n")
	_, after, _ := strings.Cut(rest, "\n````\n")
	if strings.Contains(before+after, "<script>") {
		t.Errorf("an HTML tag from a name reached the comment outside the code block:\n%s", out)
	}
	// Outside the code block, every table line must have exactly the
	// table's column count, and no name may open a code span.
	body, _, _ := strings.Cut(out, "<details>")
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Count(line, "|") != 4 {
			t.Errorf("a name split a table row: %q", line)
		}
		if strings.Contains(line, "evil") && strings.ContainsAny(strings.ReplaceAll(line, "`protected`", ""), "`<>") {
			t.Errorf("unescaped markup around a name: %q", line)
		}
	}
	if strings.Contains(out, "\nsecond line") {
		t.Errorf("a newline in a name started a new line")
	}
	// The key holds ``` and must not close the diff block early: the
	// fence is longer than any backtick run inside it.
	if !strings.Contains(out, "````diff\n") {
		t.Errorf("the diff block's fence is not longer than the key's backticks:\n%s", out)
	}
	if !strings.Contains(out, "<summary>evil&#124;name &lt;script&gt;") {
		t.Errorf("the details summary is not escaped:\n%s", out)
	}
}

func TestDiffMarker(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  + folder", "+   folder"},
		{"      ~ name: 1 -> 2", "!       name: 1 -> 2"},
		{"  - folder", "-   folder"},
		{" <= package", " <= package"},
		{"  ! protected: x", "!   protected: x"},
		{"acme (external id \"A\")", "acme (external id \"A\")"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := diffMarker(tt.in); got != tt.want {
			t.Errorf("diffMarker(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
