package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const demoRecipient = "age1lc8mzn0wsfenvcu063rkjgpmexr69zydffdw6xcdujz3teu7wf3s8zw9f6"

// TestEncryptCommand encrypts a tenant and the config in place, then
// validates the repository with the demo key; a second run refuses both
// files, and a placeholder left by export is refused. No output names a
// secret.
func TestEncryptCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{
		".sops.yaml": "creation_rules:\n" +
			"  - path_regex: workato-gitops\\.yaml$\n    encrypted_regex: ^fingerprintKey$\n    mac_only_encrypted: true\n    age: " + demoRecipient + "\n" +
			"  - path_regex: \\.ya?ml$\n    encrypted_regex: ^input$\n    mac_only_encrypted: true\n    age: " + demoRecipient + "\n",
		"workato-gitops.yaml": "apiVersion: workato-gitops/v1\nkind: Config\nfingerprintKey: demo-fingerprint-key-TEST-ONLY-0123456789abcdef\n",
		"t.yaml": "apiVersion: workato-gitops/v1\nkind: Tenant\nmetadata:\n  name: t\ncustomer:\n  externalId: T1\n  name: T\n  notificationEmail: t@t.example\n" +
			"connections:\n  - name: API\n    provider: http\n    input:\n      username: fixture-user-5150\n      password: fixture-password-8675309\n",
		"empty.yaml": "apiVersion: workato-gitops/v1\nkind: Base\nmetadata:\n  name: empty\n",
		"todo.yaml":  "apiVersion: workato-gitops/v1\nkind: Base\nmetadata:\n  name: todo\nconnections:\n  - name: X\n    provider: http\n    input:\n      api_key: <secret>\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	path := func(name string) string { return filepath.Join(dir, name) }
	check := func(stdout, stderr string) {
		t.Helper()
		for _, s := range testSecrets {
			if strings.Contains(stdout+stderr, s) {
				t.Errorf("output contains the secret %q:\n%s%s", s, stdout, stderr)
			}
		}
	}

	stdout, stderr, code := exportCLI(t, nil, "encrypt", path("t.yaml"), path("workato-gitops.yaml"), path("empty.yaml"))
	check(stdout, stderr)
	if code != 0 || !strings.Contains(stdout, "t.yaml: encrypted 2 values with the rules of "+path(".sops.yaml")) ||
		!strings.Contains(stdout, "workato-gitops.yaml: encrypted 1 value") || !strings.Contains(stdout, "empty.yaml: nothing to encrypt") {
		t.Fatalf("encrypt: exit %d\n%s%s", code, stdout, stderr)
	}
	if st, _ := os.Stat(path("t.yaml")); st.Mode().Perm() != 0o600 {
		t.Errorf("the encrypted file's mode is %v, want 0600 as before", st.Mode().Perm())
	}
	for _, name := range []string{"t.yaml", "workato-gitops.yaml"} {
		data, _ := os.ReadFile(path(name))
		check(string(data), "")
	}
	keyText, err := os.ReadFile("examples/demo-age-key.txt")
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(path("todo.yaml"))
	stdout, stderr, code = exportCLI(t, map[string]string{"SOPS_AGE_KEY": string(keyText)}, "validate", dir)
	if code != 0 || !strings.Contains(stdout, "1 tenant valid") {
		t.Fatalf("validate after encrypt: exit %d\n%s%s", code, stdout, stderr)
	}

	if err := os.WriteFile(path("todo.yaml"), []byte(files["todo.yaml"]), 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path("t.yaml"))
	stdout, stderr, code = exportCLI(t, nil, "encrypt", path("t.yaml"), path("todo.yaml"))
	check(stdout, stderr)
	if !strings.Contains(stdout, "t.yaml: every secret value is encrypted already; left as it is") {
		t.Errorf("stdout lacks that t.yaml is sealed already:\n%s", stdout)
	}
	for _, want := range []string{
		"todo.yaml:9: connections[0].input.api_key: still the placeholder that export wrote",
		"error: 1 file of 2 not encrypted (see above); they were left unchanged",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if code != exitError {
		t.Errorf("exit %d, want %d", code, exitError)
	}
	if after, _ := os.ReadFile(path("t.yaml")); string(after) != string(before) {
		t.Error("a refused file was changed")
	}
	if _, stderr, code = exportCLI(t, nil, "encrypt"); code != exitError || !strings.Contains(stderr, "needs at least one FILE") {
		t.Errorf("encrypt without files: exit %d\n%s", code, stderr)
	}
}
