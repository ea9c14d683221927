package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateSummaryAtFleetSize: validate's summary stays one short line
// however many tenants there are.
func TestValidateSummaryAtFleetSize(t *testing.T) {
	t.Parallel()
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
