package sopsfile

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/schemas"
)

var update = flag.Bool("update", false, "rewrite golden files")

const (
	examplesDir = "../../examples/tenants"
	demoKeyFile = "../../examples/demo-age-key.txt"
	// specTestdata is the loader's corpus, which internal/spec's tests
	// share: the cases that need SOPS run here.
	specTestdata = "../spec/testdata"
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

func demoKeys(t testing.TB) spec.Keys {
	t.Helper()
	data, err := os.ReadFile(demoKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	return spec.Keys{Age: []spec.KeySource{{Origin: "demo key", Data: data}}}
}

// mustNew is New for keys that parse; usable says whether to keep only
// the lines that do, as encrypt, edit and doctor do.
func mustNew(t testing.TB, keys spec.Keys, usable bool) *SOPS {
	t.Helper()
	if usable {
		keys = spec.UsableKeys(keys)
	}
	s, err := New(keys)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// demo is SOPS with the demo key.
func demo(t testing.TB) *SOPS { return mustNew(t, demoKeys(t), false) }

// sealer is SOPS with the demo key as encrypt and edit build it.
func sealer(t testing.TB) *SOPS { return mustNew(t, demoKeys(t), true) }

// keyless is SOPS without any key: enough to encrypt a plaintext file.
func keyless(t testing.TB) *SOPS { return mustNew(t, spec.Keys{}, true) }

// load is spec.Load with SOPS and the keys, as validate runs it.
func load(t testing.TB, dir string, keys spec.Keys) (*spec.Repo, spec.Diagnostics) {
	t.Helper()
	repo, err := spec.Load(dir, spec.Options{Schemas: schemas.FS, Decrypter: mustNew(t, keys, false)})
	var ds spec.Diagnostics
	if err != nil && !errors.As(err, &ds) {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	return repo, ds
}

// relative renders diagnostics with the directory prefix removed, one per
// line, as a golden file holds them.
func relative(ds spec.Diagnostics, dir string) string {
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
