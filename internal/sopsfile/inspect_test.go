package sopsfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/armor"
	"github.com/google/go-cmp/cmp"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/spec/spectest"
	"github.com/workato-gitops/workato-gitops/schemas"
)

const inspectRecipient = "age1lc8mzn0wsfenvcu063rkjgpmexr69zydffdw6xcdujz3teu7wf3s8zw9f6"

// TestInspect checks what spec.Inspect reports through SOPS, and that
// spectest.Inspector, which doctor's tests inspect through (they do not
// link SOPS), reports the same: problems at the same place (only SOPS's
// wording is its own), and a file no key opens does not decrypt.
func TestInspect(t *testing.T) {
	other, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(examplesDir, "customers", "acme.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(data []byte) string {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), data, 0o600); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	tampered := write(bytes.Replace(data, []byte("password: ENC[AES256_GCM,data:"), []byte("password: ENC[AES256_GCM,data:A"), 1))
	corrupt := write(foreignDataKey(t, data, other.Recipient()))
	demo := []spec.Recipient{{Type: "age", ID: inspectRecipient}}
	type short struct {
		Path    string
		Config  bool
		Verdict spec.Verdict
		Rcpts   []spec.Recipient
		Ours    []string
		Problem string
	}
	// shorten keeps of each problem its place alone unless withMessage.
	shorten := func(reports []spec.FileReport, withMessage bool) []short {
		var out []short
		for _, r := range reports {
			s := short{r.Path, r.Config, r.Verdict, r.Recipients, r.Ours, ""}
			if p := r.Problem; p != (spec.Diagnostic{}) {
				if !withMessage {
					p.Message = strconv.FormatBool(p.Message != "")
				}
				s.Problem = p.String()
			}
			out = append(out, s)
		}
		return out
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
		{"our recipient, a data key that does not open with its key", corrupt, demoKeys(t), []short{
			{filepath.Join(corrupt, "acme.yaml"), false, spec.NoKey, demo, []string{inspectRecipient}, ""},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			real := mustNew(t, tc.keys, true)
			reports, err := spec.Inspect(tc.dir, spec.Options{Schemas: schemas.FS}, real)
			if err != nil {
				t.Fatal(err)
			}
			got := shorten(reports, true)
			for _, s := range got {
				assertNoSecrets(t, "report", s.Problem)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Inspect (-want +got):\n%s", diff)
			}
			fake, err := spectest.Inspector(spec.UsableKeys(tc.keys))
			if err != nil {
				t.Fatal(err)
			}
			fakeReports, err := spec.Inspect(tc.dir, spec.Options{Schemas: schemas.FS}, fake)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(shorten(reports, false), shorten(fakeReports, false)); diff != "" {
				t.Errorf("Inspect through spectest.Inspector (-sops +spectest):\n%s", diff)
			}
			if diff := cmp.Diff(real.PublicKeys(), fake.PublicKeys()); diff != "" {
				t.Errorf("PublicKeys (-sops +spectest):\n%s", diff)
			}
			// Inspect stops at a file no key opens; doctor's spec.Load
			// then decrypts it, which must fail on its keys (one such file
			// of each case is enough).
			if i := slices.IndexFunc(reports, func(r spec.FileReport) bool { return r.Verdict == spec.NoKey }); i >= 0 {
				failsOnKeys(t, reports[i].Path, map[string]spec.Decrypter{"sops": real, "spectest": fake})
			}
		})
	}
	if _, err := spec.Inspect("nowhere", spec.Options{Schemas: schemas.FS}, keyless(t)); err == nil {
		t.Error("Inspect of a missing directory: no error")
	}
}

// foreignDataKey is an encrypted file with its age stanza's data key
// encrypted to r instead: the recipient it names no longer opens it.
func foreignDataKey(t *testing.T, data []byte, r age.Recipient) []byte {
	t.Helper()
	const begin, end = "-----BEGIN AGE ENCRYPTED FILE-----", "-----END AGE ENCRYPTED FILE-----"
	i, j := bytes.Index(data, []byte(begin)), bytes.Index(data, []byte(end))
	if i < 0 || j < i {
		t.Fatal("no age stanza")
	}
	var armored bytes.Buffer
	aw := armor.NewWriter(&armored)
	w, err := age.Encrypt(aw, r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(make([]byte, 32)); err != nil || w.Close() != nil || aw.Close() != nil {
		t.Fatal("age.Encrypt failed")
	}
	stanza := strings.ReplaceAll(strings.TrimSpace(armored.String()), "\n", "\n            ")
	return slices.Concat(data[:i], []byte(stanza), data[j+len(end):])
}

// failsOnKeys checks that each decrypter fails on file's keys.
func failsOnKeys(t *testing.T, file string, decs map[string]spec.Decrypter) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for name, d := range decs {
		_, err := d.Decrypt(data, func(string) bool { return true })
		var p *spec.DecryptProblem
		if !errors.As(err, &p) || p.Ptr != "/sops" {
			t.Errorf("%s: %s decrypts it with no key that opens it: %v; want a problem at /sops", file, name, err)
		}
	}
}
