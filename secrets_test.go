package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestNoSecretFromDoctorExportEncrypt extends TestNoSecretInAnyOutput to
// the commands that bootstrap and diagnose a repository (and encrypt again,
// edit, providers, and validate's catalogue warnings): every output
// stream, and every file they write, is scanned for the plaintext of every
// test secret and for age key material.
func TestNoSecretFromDoctorExportEncrypt(t *testing.T) {
	keyData, err := os.ReadFile("examples/demo-age-key.txt")
	if err != nil {
		t.Fatal(err)
	}
	secrets := append(testSecrets, regexp.MustCompile(`AGE-SECRET-KEY-1[0-9A-Z]+`).FindString(string(keyData)))
	tmp := t.TempDir()
	env := demoEnv(t, "sandbox:"+filepath.Join(tmp, "sb.json"))
	mustCode(t, 0, env, "apply", "--auto-approve", "examples/tenants")

	// A plaintext manifest to encrypt, holding a test secret.
	repo := filepath.Join(tmp, "repo")
	os.MkdirAll(repo, 0o755)
	os.WriteFile(filepath.Join(repo, ".sops.yaml"), []byte("creation_rules:\n  - encrypted_regex: ^input$\n    mac_only_encrypted: true\n    age: age1lc8mzn0wsfenvcu063rkjgpmexr69zydffdw6xcdujz3teu7wf3s8zw9f6\n"), 0o644)
	plain := filepath.Join(repo, "t.yaml")
	os.WriteFile(plain, []byte("apiVersion: workato-gitops/v1\nkind: Tenant\nmetadata:\n  name: t\ncustomer:\n  externalId: T\n  name: T\n  notificationEmail: t@t.example\n"+
		"connections:\n  - name: api\n    provider: http\n    input:\n      api_key: acme-sf-password-93c2\n"), 0o644)

	runs := []struct {
		name  string
		args  []string
		files string // a file or directory the command writes
	}{
		{"doctor", []string{"doctor", "examples/tenants"}, ""},
		{"doctor offline", []string{"doctor", "--offline", "examples/tenants"}, ""},
		{"export", []string{"export", "--all", "--out", filepath.Join(tmp, "exported")}, filepath.Join(tmp, "exported")},
		{"encrypt", []string{"encrypt", plain}, plain},
		{"encrypt again", []string{"encrypt", plain}, plain},
		{"edit", []string{"edit", plain}, plain},
		{"providers", []string{"providers"}, filepath.Join(tmp, "cache")},
		{"providers http", []string{"providers", "http"}, filepath.Join(tmp, "cache")},
		{"validate with the catalogue", []string{"validate", repo}, ""},
	}
	// edit rotates the secret into another test secret; neither may show.
	env["EDITOR"] = "sed -i s/acme-sf-password-93c2/globex-ns-token-id-77cc/"
	env["XDG_CACHE_HOME"] = filepath.Join(tmp, "cache")
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			_, stdout, stderr := runCLI(t, env, r.args...)
			outputs := map[string]string{"stdout": stdout, "stderr": stderr}
			if r.files != "" {
				filepath.WalkDir(r.files, func(p string, d os.DirEntry, err error) error {
					if err == nil && !d.IsDir() {
						data, _ := os.ReadFile(p)
						outputs[p] = string(data)
					}
					return nil
				})
				if len(outputs) == 2 {
					t.Fatalf("%s wrote nothing to scan", r.name)
				}
			}
			for where, text := range outputs {
				for _, s := range secrets {
					if strings.Contains(text, s) {
						t.Errorf("%s holds the secret %q", where, s)
					}
				}
			}
		})
	}
}
