package spec

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/schemas"
)

var update = flag.Bool("update", false, "rewrite golden files")

const (
	examplesDir = "../../examples/tenants"
	demoKeyFile = "../../examples/demo-age-key.txt"
)

// testSecrets are the plaintexts of every secret in the fixtures and
// examples: none may appear in any output.
var testSecrets = []string{
	"fixture-user-5150", "fixture-password-8675309",
	"acme-sf-parent-secret-7d1f", "acme-sf-password-93c2", "3MVG9acme-client-id", "integration@acme.example",
	"globex-ns-consumer-key-55aa", "globex-ns-consumer-secret-66bb", "globex-ns-token-id-77cc",
	"globex-ns-token-secret-88dd", "xoxb-globex-slack-bot-token-1234",
	"initech-tps-api-key-0f0f", "demo-fingerprint-key-TEST-ONLY-0123456789abcdef",
}

func demoKeys(t testing.TB) Keys {
	t.Helper()
	data, err := os.ReadFile(demoKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	return Keys{Age: []KeySource{{Origin: "demo key", Data: data}}}
}

func load(t testing.TB, dir string, keys Keys) (*Repo, Diagnostics) {
	t.Helper()
	repo, err := Load(dir, Options{Schemas: schemas.FS, Keys: keys})
	var ds Diagnostics
	if err != nil && !errors.As(err, &ds) {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	return repo, ds
}

// relative renders diagnostics with the directory prefix removed, one per
// line, as a golden file holds them.
func relative(ds Diagnostics, dir string) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(strings.TrimPrefix(d.String(), dir+string(filepath.Separator)))
		b.WriteByte('\n')
	}
	return b.String()
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func assertNoSecrets(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range testSecrets {
		if strings.Contains(text, s) {
			t.Errorf("%s contains the secret %q", what, s)
		}
	}
}
