package sopsfile

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/spec/spectest"
	"github.com/workato-gitops/workato-gitops/schemas"
)

// TestExamplePlaintexts keeps spectest's table (what the tests of packages
// that must not link SOPS decrypt the examples with) in step with the
// examples: each ciphertext of examples/tenants with its plaintext, as
// this package decrypts it. Run with -update after re-encrypting them.
func TestExamplePlaintexts(t *testing.T) {
	table := map[string]string{}
	dec := demo(t)
	files, _ := filepath.Glob(filepath.Join(examplesDir, "*.yaml"))
	more, _ := filepath.Glob(filepath.Join(examplesDir, "*", "*.yaml"))
	for _, file := range append(files, more...) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		cipher := map[string]string{}
		walkYAML(doc, "", func(ptr string, v any) {
			if s, ok := v.(string); ok && strings.HasPrefix(s, "ENC[") && !strings.HasPrefix(ptr, "/sops/") {
				cipher[ptr] = s
			}
		})
		if len(cipher) == 0 {
			continue
		}
		leaves, err := dec.Decrypt(data, func(ptr string) bool { _, ok := cipher[ptr]; return ok })
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for ptr, enc := range cipher {
			plain, ok := leaves[ptr].Reveal().(string)
			if !ok {
				t.Fatalf("%s: %s is not a string; spectest holds strings only", file, ptr)
			}
			table[enc] = plain
		}
	}
	got, err := json.MarshalIndent(table, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join("..", "spec", "spectest", spectest.ExamplesFile), string(got)+"\n")
}

// TestSpectestLoadsAsSOPS: the examples load the same through spectest as
// through SOPS, every input and the fingerprint key alike.
func TestSpectestLoadsAsSOPS(t *testing.T) {
	real, ds := load(t, examplesDir, demoKeys(t))
	if ds != nil {
		t.Fatal(ds)
	}
	fake, err := spec.Load(examplesDir, spec.Options{Schemas: schemas.FS, Decrypter: spectest.Examples()})
	if err != nil {
		t.Fatal(err)
	}
	reveal := func(r *spec.Repo) map[string]any {
		out := map[string]any{"fingerprintKey": r.Config.FingerprintKey.Reveal()}
		for _, tn := range r.Tenants {
			for _, c := range tn.Connections {
				out[tn.Name+"/"+c.Folder+"/"+c.Name] = c.Input.Reveal()
			}
		}
		return out
	}
	want := reveal(real)
	if len(want) < 5 {
		t.Fatalf("the examples hold %d connections and keys; the test proves little", len(want))
	}
	if diff := cmp.Diff(want, reveal(fake)); diff != "" {
		t.Errorf("spectest.Examples decrypts otherwise than SOPS (-sops +spectest):\n%s", diff)
	}
	if dump(real) != dump(fake) {
		t.Errorf("the repos differ:\n%s\n%s", dump(real), dump(fake))
	}
}
