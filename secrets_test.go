package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/workato-gitops/workato-gitops/internal/sandbox"
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

// TestNoShortSecretInAnyOutput: a one-letter token and short inputs (one
// a common word, one a number) that a server echoes back in its errors,
// as values and as field names, never reach an output as values, and the
// messages around them keep their words ("Unauthorized", not
// "Unau[REDACTED]horized"). Scanning for "t" as a substring would find
// it everywhere, so outputs are scanned word by word.
func TestNoShortSecretInAnyOutput(t *testing.T) {
	t.Parallel()
	const token = "t"
	short := []string{"ab", "admin", "42"}
	srv, err := sandbox.New(sandbox.Options{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/connections") {
			srv.ServeHTTP(w, r)
			return
		}
		var body struct {
			Input map[string]any `json:"input"`
		}
		json.NewDecoder(r.Body).Decode(&body)
		fields := map[string][]string{}
		for _, v := range body.Input {
			s := fmt.Sprint(v)
			fields[s] = []string{s + " can't be used (" + s + ")"}
		}
		echo, _ := json.Marshal(map[string]any{
			"message": "Unauthorized: token " + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") + " rejected",
			"errors":  fields,
		})
		w.WriteHeader(http.StatusUnprocessableEntity)
		w.Write(echo)
	}))
	defer hs.Close()
	dir := t.TempDir()
	config, err := os.ReadFile("examples/tenants/workato-gitops.yaml") // its fingerprint key, for the ledger
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "workato-gitops.yaml"), config, 0o644)
	os.WriteFile(filepath.Join(dir, "short.yaml"), []byte("apiVersion: workato-gitops/v1\nkind: Tenant\nmetadata:\n  name: short\n  allowPlaintextInput: true\n"+
		"customer:\n  externalId: S1\n  name: Short Secrets\n  notificationEmail: ops@short.example\n"+
		"connections:\n  - name: api\n    provider: http\n    input:\n      api_key: ab\n      user: admin\n      port: 42\n"), 0o644)
	env := demoEnv(t, hs.URL+"/api")
	env["WORKATO_API_TOKEN"] = token
	for _, args := range [][]string{
		{"plan", dir},
		{"apply", "--auto-approve", "--debug", dir},
		{"apply", "--auto-approve", "--json", dir},
	} {
		t.Run(strings.Join(args[:len(args)-1], " "), func(t *testing.T) {
			_, stdout, stderr := runCLI(t, env, args...)
			if args[0] == "apply" && !strings.Contains(stdout+stderr, "Unauthorized: token [REDACTED] rejected") {
				t.Fatalf("the apply did not show the server's error, so the scan proves nothing:\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
			}
			for where, text := range map[string]string{"stdout": stdout, "stderr": stderr} {
				// Apostrophes join words ("can't"), quotes around one do not.
				for _, word := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' }) {
					if word = strings.Trim(word, "'"); slices.Contains(append(short, token), word) {
						t.Errorf("%s holds the secret %q as a word:\n%s", where, word, text)
					}
				}
			}
		})
	}
}
