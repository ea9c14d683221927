package sopsfile

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"golang.org/x/crypto/ssh"
)

// keyFixture is a key of one kind: the recipient line a .sops.yaml names
// it with, and the files and variables that hand its private half in.
type keyFixture struct {
	rule  string            // e.g. "age: age1..." or "pgp: FINGERPRINT"
	files map[string][]byte // below HOME
	env   map[string]string // values may use $HOME
}

func ageFixture(t *testing.T, how string) keyFixture {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	text := "# TEST ONLY\n" + id.String() + "\n"
	f := keyFixture{rule: "age: " + id.Recipient().String(), files: map[string][]byte{}, env: map[string]string{}}
	switch how {
	case "SOPS_AGE_KEY":
		// Two identities on one line, as SOPS allows here.
		other, _ := age.GenerateX25519Identity()
		f.env["SOPS_AGE_KEY"] = other.String() + " " + id.String()
	case "SOPS_AGE_KEY_FILE":
		f.files["keys/mine.txt"] = []byte(text)
		f.env["SOPS_AGE_KEY_FILE"] = "$HOME/keys/mine.txt"
	case "SOPS_AGE_KEY_CMD":
		f.files["keys/mine.txt"] = []byte(text)
		f.env["SOPS_AGE_KEY_CMD"] = "cat $HOME/keys/mine.txt"
	case "keys.txt":
		f.files[".config/sops/age/keys.txt"] = []byte(text)
	}
	return f
}

func sshFixture(t *testing.T, kind, how string) keyFixture {
	t.Helper()
	var priv any
	var pub ssh.PublicKey
	switch kind {
	case "ed25519":
		p, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		priv = k
		pub, _ = ssh.NewPublicKey(p)
	case "rsa":
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		priv = k
		pub, _ = ssh.NewPublicKey(&k.PublicKey)
	}
	block, err := ssh.MarshalPrivateKey(priv, "TEST ONLY")
	if err != nil {
		t.Fatal(err)
	}
	recipient := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
	f := keyFixture{rule: "age: " + recipient + " test-only@example", files: map[string][]byte{}, env: map[string]string{}}
	switch how {
	case "SOPS_AGE_SSH_PRIVATE_KEY_FILE":
		f.files["keys/deploy"] = pem.EncodeToMemory(block)
		f.env["SOPS_AGE_SSH_PRIVATE_KEY_FILE"] = "$HOME/keys/deploy"
	default: // ~/.ssh/id_ed25519 or ~/.ssh/id_rsa
		f.files[".ssh/id_"+kind] = pem.EncodeToMemory(block)
	}
	return f
}

// pgpFixture makes a PGP key in a fresh GNUPGHOME with gpg, which SOPS's
// own key service uses to encrypt and decrypt.
func pgpFixture(t *testing.T) keyFixture {
	t.Helper()
	gpg, err := exec.LookPath("gpg")
	if err != nil {
		t.Skip("gpg is not installed: the PGP key source is not tested (apt-get install gnupg)")
	}
	home, err := os.MkdirTemp("", "gnupg")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(home, 0o700)
	t.Cleanup(func() {
		exec.Command("gpgconf", "--homedir", home, "--kill", "gpg-agent").Run()
		os.RemoveAll(home)
	})
	t.Setenv("GNUPGHOME", home)
	out, err := exec.Command(gpg, "--homedir", home, "--batch", "--passphrase", "", "--quick-gen-key", "test-only@example", "rsa2048", "encrypt", "never").CombinedOutput()
	if err != nil {
		t.Fatalf("gpg --quick-gen-key: %v\n%s", err, out)
	}
	out, err = exec.Command(gpg, "--homedir", home, "--list-keys", "--with-colons").Output()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^fpr:+([0-9A-F]{40}):`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no fingerprint in gpg's answer:\n%s", out)
	}
	return keyFixture{rule: "pgp: " + string(m[1])}
}

// TestKeySources encrypts a manifest for each kind of local key and opens
// it with the keys CollectKeys finds where SOPS would look.
func TestKeySources(t *testing.T) {
	tests := []struct {
		name string
		keys func(t *testing.T) []keyFixture // one per key group
		want bool                            // whether the file opens
	}{
		{"age in SOPS_AGE_KEY", func(t *testing.T) []keyFixture { return []keyFixture{ageFixture(t, "SOPS_AGE_KEY")} }, true},
		{"age in SOPS_AGE_KEY_FILE", func(t *testing.T) []keyFixture { return []keyFixture{ageFixture(t, "SOPS_AGE_KEY_FILE")} }, true},
		{"age from SOPS_AGE_KEY_CMD", func(t *testing.T) []keyFixture { return []keyFixture{ageFixture(t, "SOPS_AGE_KEY_CMD")} }, true},
		{"age in the default keys.txt", func(t *testing.T) []keyFixture { return []keyFixture{ageFixture(t, "keys.txt")} }, true},
		{"ssh ed25519 in SOPS_AGE_SSH_PRIVATE_KEY_FILE", func(t *testing.T) []keyFixture {
			return []keyFixture{sshFixture(t, "ed25519", "SOPS_AGE_SSH_PRIVATE_KEY_FILE")}
		}, true},
		{"ssh ed25519 in ~/.ssh/id_ed25519", func(t *testing.T) []keyFixture { return []keyFixture{sshFixture(t, "ed25519", "")} }, true},
		{"ssh rsa in ~/.ssh/id_rsa", func(t *testing.T) []keyFixture { return []keyFixture{sshFixture(t, "rsa", "")} }, true},
		{"pgp through gpg", func(t *testing.T) []keyFixture { return []keyFixture{pgpFixture(t)} }, true},
		{"two key groups, threshold 2, both keys here", func(t *testing.T) []keyFixture {
			return []keyFixture{ageFixture(t, "SOPS_AGE_KEY_FILE"), sshFixture(t, "ed25519", "")}
		}, true},
		{"two key groups, threshold 2, one key here", func(t *testing.T) []keyFixture {
			ssh := sshFixture(t, "ed25519", "")
			ssh.files = nil // the second group's key is not on this machine
			return []keyFixture{ageFixture(t, "SOPS_AGE_KEY_FILE"), ssh}
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			groups := tt.keys(t)
			home := t.TempDir()
			env := map[string]string{"HOME": home}
			for _, g := range groups {
				for name, data := range g.files {
					writeKeyFile(t, filepath.Join(home, name), data)
				}
				for k, v := range g.env {
					env[k] = strings.ReplaceAll(v, "$HOME", home)
				}
			}
			dir := t.TempDir()
			writeKeyFile(t, filepath.Join(dir, ".sops.yaml"), []byte(sopsRule(groups)))
			file := filepath.Join(dir, "hooli.yaml")
			writeKeyFile(t, file, []byte(plainTenant))
			// Encrypting needs only the public keys (and gpg's keyring).
			encryptInPlace(t, file)

			keys, reports := spec.CollectKeys(spec.KeyEnv{Getenv: func(k string) string { return env[k] }, Run: runFields})
			if err := spec.KeysError(reports); err != nil {
				t.Fatalf("KeysError: %v", err)
			}
			repo, ds := load(t, dir, keys)
			if !tt.want {
				if len(ds) == 0 || !strings.Contains(ds.Error(), "no key available here opens this file") {
					t.Fatalf("Load = %v, want no key available", ds)
				}
				return
			}
			if len(ds) > 0 {
				t.Fatalf("Load: %v", ds)
			}
			got := repo.Tenants[0].Connections[0].Input["password"].Reveal()
			if got != "fixture-password-8675309" {
				t.Errorf("decrypted password = %v, want the plaintext back", got)
			}
		})
	}
}

// sopsRule is a .sops.yaml with one key group per fixture; with more than
// one group, every group is needed (shamir_threshold).
func sopsRule(groups []keyFixture) string {
	rule := "creation_rules:\n  - path_regex: \\.ya?ml$\n    encrypted_regex: ^input$\n    mac_only_encrypted: true\n"
	if len(groups) == 1 {
		return rule + "    " + groups[0].rule + "\n"
	}
	rule += "    shamir_threshold: " + string(rune('0'+len(groups))) + "\n    key_groups:\n"
	for _, g := range groups {
		k, v, _ := strings.Cut(g.rule, ": ")
		rule += "      - " + k + ":\n          - " + v + "\n"
	}
	return rule
}

func runFields(command string) ([]byte, error) {
	f := strings.Fields(command)
	return exec.Command(f[0], f[1:]...).Output()
}

func writeKeyFile(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
