package sopsfile

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"gopkg.in/yaml.v3"
)

const demoRecipient = "age1lc8mzn0wsfenvcu063rkjgpmexr69zydffdw6xcdujz3teu7wf3s8zw9f6"

const encryptSopsYAML = `creation_rules:
  - path_regex: workato-gitops\.yaml$
    encrypted_regex: ^fingerprintKey$
    mac_only_encrypted: true
    age: ` + demoRecipient + `
  - path_regex: \.ya?ml$
    encrypted_regex: ^input$
    mac_only_encrypted: true
    age: ` + demoRecipient + `
`

const plainTenant = `# yaml-language-server: $schema=../schemas/tenant.schema.json
# Exported from Workato.
apiVersion: workato-gitops/v1
kind: Tenant
metadata:
  name: hooli
customer:
  externalId: H1
  name: Hooli
  notificationEmail: ops@hooli.example
folders:
  - path: Integrations
connections:
  - name: Salesforce
    provider: salesforce
    folder: Integrations
    # Credentials of the integration user.
    input:
      username: fixture-user-5150
      password: fixture-password-8675309
      sandbox: true
      port: 8443
  - name: Slack
    provider: slack
    state: shell
`

const plainConfig = `apiVersion: workato-gitops/v1
kind: Config
fingerprintKey: demo-fingerprint-key-TEST-ONLY-0123456789abcdef
`

// encryptRepo writes a repository with a .sops.yaml and the given files.
func encryptRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files[".sops.yaml"] = encryptSopsYAML
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func encryptInPlace(t *testing.T, file string) *spec.Encrypted {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := spec.Encrypt(file, data, spec.EncryptOptions{SOPS: keyless(t)})
	if err != nil {
		t.Fatalf("Encrypt(%s): %v", file, err)
	}
	if err := os.WriteFile(file, enc.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	return enc
}

// TestEncryptRoundTrip encrypts a tenant and the config found below a
// .sops.yaml (in a sub-directory, so the rule is found by searching
// upward), then loads them back with the demo key.
func TestEncryptRoundTrip(t *testing.T) {
	dir := encryptRepo(t, map[string]string{"tenants/workato-gitops.yaml": plainConfig, "tenants/customers/hooli.yaml": plainTenant})
	tenant := filepath.Join(dir, "tenants/customers/hooli.yaml")
	enc := encryptInPlace(t, tenant)
	if enc.Values != 4 || enc.SopsConfig != filepath.Join(dir, ".sops.yaml") || len(enc.Warnings) != 0 {
		t.Errorf("Encrypted = {Values: %d, SopsConfig: %s, Warnings: %q}, want 4 values from %s/.sops.yaml and no warning", enc.Values, enc.SopsConfig, enc.Warnings, dir)
	}
	encryptInPlace(t, filepath.Join(dir, "tenants/workato-gitops.yaml"))

	text := string(enc.Data)
	assertNoSecrets(t, "encrypted file", text)
	for _, want := range []string{"# yaml-language-server: $schema=", "# Credentials of the integration user.", "name: Hooli", "mac_only_encrypted: true", "encrypted_regex: ^input$", demoRecipient} {
		if !strings.Contains(text, want) {
			t.Errorf("encrypted file lacks %q:\n%s", want, text)
		}
	}
	repo, ds := load(t, filepath.Join(dir, "tenants"), demoKeys(t))
	if ds != nil {
		t.Fatalf("load: %v", ds)
	}
	if repo.Config.FingerprintKey.IsZero() {
		t.Error("fingerprintKey was not decrypted")
	}
	got := repo.Tenants[0].Connections[0].Input.Reveal()
	want := map[string]any{"username": "fixture-user-5150", "password": "fixture-password-8675309", "sandbox": true, "port": int64(8443)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decrypted input (-want +got):\n%s", diff)
	}
}

// TestEncryptLeavesNoPlaintextUnderInput checks every line under input.
func TestEncryptLeavesNoPlaintextUnderInput(t *testing.T) {
	dir := encryptRepo(t, map[string]string{"hooli.yaml": plainTenant})
	enc := encryptInPlace(t, filepath.Join(dir, "hooli.yaml"))
	var doc any
	if err := yaml.Unmarshal(enc.Data, &doc); err != nil {
		t.Fatal(err)
	}
	inputValuePtr := regexp.MustCompile(`^/connections/\d+/input/[^/]+$`)
	n := 0
	walkYAML(doc, "", func(ptr string, v any) {
		if inputValuePtr.MatchString(ptr) {
			n++
			if s, _ := v.(string); !strings.HasPrefix(s, "ENC[AES256_GCM,") {
				t.Errorf("%s is not encrypted: %v", ptr, v)
			}
		} else if s, ok := v.(string); ok && strings.HasPrefix(s, "ENC[") && !strings.HasPrefix(ptr, "/sops/") {
			t.Errorf("%s is encrypted but is no input value", ptr)
		}
	})
	if n != 4 {
		t.Errorf("found %d input values, want 4", n)
	}
}

func TestEncryptRefusals(t *testing.T) {
	encrypted, err := os.ReadFile(filepath.Join(examplesDir, "customers/acme.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	placeholders := strings.Replace(plainTenant, "password: fixture-password-8675309", "password: "+spec.PlaceholderSecret, 1)
	everything := strings.Replace(encryptSopsYAML, "encrypted_regex: ^input$", "unencrypted_regex: ^(apiVersion|kind)$", 1)
	cases := []struct {
		name    string
		file    string
		sops    string // replaces the .sops.yaml when set
		is      error
		message string
	}{
		{"already sealed", string(encrypted), "", spec.ErrAlreadySealed, "encrypted already"},
		{"nothing to encrypt", "apiVersion: workato-gitops/v1\nkind: Tenant\nmetadata: {name: a}\n", "", spec.ErrNothingToEncrypt, "nothing to encrypt"},
		{"placeholder left", placeholders, "", nil, "t.yaml:20: connections[0].input.password: still the placeholder that export wrote"},
		{"rule encrypts too much", plainTenant, everything, nil, "does not encrypt exactly the secret values"},
		{"no matching rule", plainTenant, "creation_rules:\n  - path_regex: \\.json$\n    age: " + demoRecipient + "\n", nil, "no matching creation rules found"},
		{"not yaml", "a: [", "", nil, "t.yaml:1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := encryptRepo(t, map[string]string{"t.yaml": tc.file})
			if tc.sops != "" {
				if err := os.WriteFile(filepath.Join(dir, ".sops.yaml"), []byte(tc.sops), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			file := filepath.Join(dir, "t.yaml")
			enc, err := spec.Encrypt(file, []byte(tc.file), spec.EncryptOptions{SOPS: keyless(t)})
			if err == nil {
				t.Fatalf("Encrypt succeeded:\n%s", enc.Data)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.message) {
				t.Errorf("error %q does not mention %q", err, tc.message)
			}
			assertNoSecrets(t, "error", err.Error())
		})
	}
}

func TestEncryptNoSopsConfig(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "t.yaml")
	_, err := spec.Encrypt(file, []byte(plainTenant), spec.EncryptOptions{SOPS: keyless(t)})
	if err == nil || !strings.Contains(err.Error(), "no .sops.yaml") {
		t.Fatalf("err = %v, want no .sops.yaml", err)
	}
}

// TestEncryptWarnsWithoutMACOnlyEncrypted: the file still works, but the
// user should know hand edits will break it.
func TestEncryptWarnsWithoutMACOnlyEncrypted(t *testing.T) {
	dir := encryptRepo(t, map[string]string{"t.yaml": plainTenant})
	rules := strings.ReplaceAll(encryptSopsYAML, "    mac_only_encrypted: true\n", "")
	if err := os.WriteFile(filepath.Join(dir, ".sops.yaml"), []byte(rules), 0o644); err != nil {
		t.Fatal(err)
	}
	enc := encryptInPlace(t, filepath.Join(dir, "t.yaml"))
	if len(enc.Warnings) != 1 || !strings.Contains(enc.Warnings[0], "mac_only_encrypted") {
		t.Errorf("warnings = %q, want one about mac_only_encrypted", enc.Warnings)
	}
	if _, ds := load(t, dir, demoKeys(t)); ds != nil {
		t.Fatalf("load: %v", ds)
	}
}

// TestEncryptedBySopsCLI decrypts a file Encrypt wrote with the real sops,
// when it is installed.
func TestEncryptedBySopsCLI(t *testing.T) {
	sopsBin, err := exec.LookPath("sops")
	if err != nil {
		gopath, _ := exec.Command("go", "env", "GOPATH").Output()
		sopsBin = filepath.Join(strings.TrimSpace(string(gopath)), "bin", "sops")
		if _, err := os.Stat(sopsBin); err != nil {
			t.Skip("sops is not installed")
		}
	}
	dir := encryptRepo(t, map[string]string{"hooli.yaml": plainTenant})
	file := filepath.Join(dir, "hooli.yaml")
	encryptInPlace(t, file)
	keyFile, _ := filepath.Abs(demoKeyFile)
	cmd := exec.Command(sopsBin, "decrypt", file)
	cmd.Env = append(os.Environ(), "SOPS_AGE_KEY_FILE="+keyFile)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sops decrypt: %v\n%s", err, out)
	}
	for _, want := range []string{"password: fixture-password-8675309", "username: fixture-user-5150", "sandbox: true", "port: 8443"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("sops decrypt output lacks %q:\n%s", want, out)
		}
	}
}

// walkYAML visits every scalar of a decoded YAML document with its JSON
// pointer.
func walkYAML(v any, ptr string, visit func(ptr string, v any)) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			walkYAML(c, ptr+"/"+spec.EscapePointer(k), visit)
		}
	case []any:
		for i, c := range x {
			walkYAML(c, ptr+"/"+strconv.Itoa(i), visit)
		}
	default:
		visit(ptr, x)
	}
}
