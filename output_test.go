package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/apply"
)

// TestProgressOnlyMovesForward: events of concurrent actions arrive out of
// order; no counter shown may go back or repeat (finding 9: make demo
// showed repeated counters).
func TestProgressOnlyMovesForward(t *testing.T) {
	events := []apply.Event{
		{Tenant: "acme", State: "start", Total: 3},
		{Tenant: "acme", Action: "a", State: "start", Done: 0, Total: 3},
		{Tenant: "acme", Action: "b", State: "start", Done: 0, Total: 3},
		{Tenant: "acme", Action: "b", State: "ok", Done: 2, Total: 3},
		{Tenant: "acme", Action: "a", State: "ok", Done: 1, Total: 3}, // late
		{Tenant: "acme", Action: "c", State: "start", Done: 2, Total: 3},
		{Tenant: "acme", Action: "c", State: "ok", Done: 3, Total: 3},
		{Tenant: "acme", State: "done", Done: 3, Total: 3},
	}
	for _, tty := range []bool{false, true} {
		var b bytes.Buffer
		p := &progress{w: &b, tty: tty, done: map[string]int{}, started: map[string]int{}}
		for _, ev := range events {
			p.event(ev)
		}
		p.close()
		last := -1
		for _, m := range regexp.MustCompile(`\[(\d+)/3\]|\((\d+)/3\)`).FindAllStringSubmatch(b.String(), -1) {
			n, _ := strconv.Atoi(m[1] + m[2])
			if n < last {
				t.Errorf("tty=%v: counter went back from %d to %d:\n%q", tty, last, n, b.String())
			}
			last = n
		}
		if !tty {
			want := "acme: applying 3 actions\nacme: [1/3] a\nacme: [2/3] b\nacme: [3/3] c\nacme: done (3/3)\n"
			if b.String() != want {
				t.Errorf("log without a terminal:\n%s\nwant each start numbered in turn:\n%s", b.String(), want)
			}
		}
	}
}

// TestValidateSummaryAtFleetSize: validate's summary stays one short line
// however many tenants there are.
func TestValidateSummaryAtFleetSize(t *testing.T) {
	dir := t.TempDir()
	for i := range 1000 {
		m := fmt.Sprintf("apiVersion: workato-gitops/v1\nkind: Tenant\nmetadata:\n  name: t%04d\ncustomer:\n  externalId: E%d\n  name: T %d\n  notificationEmail: ops@t.example\n", i, i, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("t%04d.yaml", i)), []byte(m), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"workato-gitops", "validate", dir}, env{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	want := "1,000 tenants valid in 1,000 files: t0000, t0001, t0002, t0003, t0004 and 995 more\n"
	if got := out.String(); got != want && got != strings.ReplaceAll(want, "1,000", "1000") {
		t.Errorf("validate printed %q, want %q", got, want)
	}
}
