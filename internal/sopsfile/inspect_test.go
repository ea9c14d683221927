package sopsfile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"filippo.io/age"
	"github.com/google/go-cmp/cmp"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/schemas"
)

const inspectRecipient = "age1lc8mzn0wsfenvcu063rkjgpmexr69zydffdw6xcdujz3teu7wf3s8zw9f6"

func TestInspect(t *testing.T) {
	other, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(examplesDir, "customers", "acme.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tampered := t.TempDir()
	bad := bytes.Replace(data, []byte("password: ENC[AES256_GCM,data:"), []byte("password: ENC[AES256_GCM,data:A"), 1)
	if err := os.WriteFile(filepath.Join(tampered, "acme.yaml"), bad, 0o600); err != nil {
		t.Fatal(err)
	}
	demo := []spec.Recipient{{Type: "age", ID: inspectRecipient}}
	type short struct {
		Path    string
		Config  bool
		Verdict spec.Verdict
		Rcpts   []spec.Recipient
		Ours    []string
		Problem string
	}
	ex := func(p string) string { return filepath.Join(examplesDir, p) }
	cases := []struct {
		name string
		dir  string
		keys spec.Keys
		want []short
	}{
		{"demo key", examplesDir, demoKeys(t), []short{
			{ex("workato-gitops.yaml"), true, spec.Opened, demo, []string{inspectRecipient}, ""},
			{ex("bases/standard.yaml"), false, spec.NotEncrypted, nil, nil, ""},
			{ex("customers/acme.yaml"), false, spec.Opened, demo, []string{inspectRecipient}, ""},
			{ex("customers/globex.yaml"), false, spec.Opened, demo, []string{inspectRecipient}, ""},
			{ex("customers/initech.yaml"), false, spec.Opened, demo, []string{inspectRecipient}, ""},
		}},
		{"no key", examplesDir, spec.Keys{}, []short{
			{ex("workato-gitops.yaml"), true, spec.NoKey, demo, nil, ""},
			{ex("bases/standard.yaml"), false, spec.NotEncrypted, nil, nil, ""},
			{ex("customers/acme.yaml"), false, spec.NoKey, demo, nil, ""},
			{ex("customers/globex.yaml"), false, spec.NoKey, demo, nil, ""},
			{ex("customers/initech.yaml"), false, spec.NoKey, demo, nil, ""},
		}},
		{"wrong key, and a bad line that does not stop the good one", filepath.Join(examplesDir, "customers"),
			spec.Keys{Age: []spec.KeySource{{Origin: "x", Data: []byte("junk\n" + other.String())}}}, []short{
				{filepath.Join(examplesDir, "customers", "acme.yaml"), false, spec.NoKey, demo, nil, ""},
				{filepath.Join(examplesDir, "customers", "globex.yaml"), false, spec.NoKey, demo, nil, ""},
				{filepath.Join(examplesDir, "customers", "initech.yaml"), false, spec.NoKey, demo, nil, ""},
			}},
		{"tampered", tampered, demoKeys(t), []short{
			{filepath.Join(tampered, "acme.yaml"), false, spec.Damaged, demo, []string{inspectRecipient},
				filepath.Join(tampered, "acme.yaml") + ":40: connections[1].input.password: cannot decrypt: the ciphertext was altered, or moved from another field"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reports, err := spec.Inspect(tc.dir, spec.Options{Schemas: schemas.FS}, mustNew(t, tc.keys, true))
			if err != nil {
				t.Fatal(err)
			}
			var got []short
			for _, r := range reports {
				s := short{r.Path, r.Config, r.Verdict, r.Recipients, r.Ours, ""}
				if r.Problem != (spec.Diagnostic{}) {
					s.Problem = r.Problem.String()
				}
				got = append(got, s)
				assertNoSecrets(t, "report", s.Problem)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Inspect (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := spec.Inspect("nowhere", spec.Options{Schemas: schemas.FS}, keyless(t)); err == nil {
		t.Error("Inspect of a missing directory: no error")
	}
}
