package sopsfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// A tenant written by hand: 2-space indentation, a flow list, a comment.
const handWritten = `apiVersion: workato-gitops/v1
kind: Tenant
metadata:
  name: hooli
customer:
  externalId: H1
  name: Hooli
  notificationEmail: ops@hooli.example
folders: [{path: Integrations}, {path: Reports}]
connections:
  - name: Salesforce
    provider: salesforce
    folder: Integrations
    input:
      username: fixture-user-5150   # the integration user
      password: "fixture-password-8675309"
`

// TestSealKeepsLayout is the round trip the sops CLI cannot do: encrypt a
// hand-written file, add one plaintext value, seal it again. The first
// seal changes only the secret values' text (and appends the metadata in
// the file's own indentation); the second changes only the new value, the
// MAC and its timestamp.
func TestSealKeepsLayout(t *testing.T) {
	dir := encryptRepo(t, map[string]string{"hooli.yaml": handWritten})
	file := filepath.Join(dir, "hooli.yaml")
	t1 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	first, err := spec.Encrypt(file, []byte(handWritten), spec.EncryptOptions{SOPS: keyless(t), Now: func() time.Time { return t1 }})
	if err != nil {
		t.Fatal(err)
	}
	orig := strings.Split(handWritten, "\n")
	sealed := strings.Split(string(first.Data), "\n")
	for i, line := range orig[:len(orig)-1] {
		secret := strings.Contains(line, "fixture-")
		if secret == (sealed[i] == line) {
			t.Errorf("line %d:\n  was %q\n  now %q\nwant only the secret values changed", i+1, line, sealed[i])
		}
	}
	if got := sealed[len(orig)-1]; got != "sops:" {
		t.Errorf("line %d = %q, want the sops metadata to follow the manifest", len(orig), got)
	}
	if !strings.Contains(string(first.Data), "\n  age:\n    - enc: |\n") || strings.Contains(string(first.Data), "\n    age:") {
		t.Errorf("the sops metadata is not in the file's 2-space indentation:\n%s", first.Data)
	}
	if !strings.Contains(sealed[14], "ENC[") || !strings.HasSuffix(sealed[14], "   # the integration user") {
		t.Errorf("line 15 = %q, want the ciphertext and the comment after it", sealed[14])
	}

	// One plaintext value more, added by hand after encryption.
	added := strings.Replace(string(first.Data), "      password:", "      token: fixture-token-42\n      password:", 1)
	if err := os.WriteFile(file, []byte(added), 0o644); err != nil {
		t.Fatal(err)
	}
	t2 := t1.Add(time.Hour)
	second, err := spec.Encrypt(file, []byte(added), spec.EncryptOptions{SOPS: sealer(t), Now: func() time.Time { return t2 }})
	if err != nil {
		t.Fatal(err)
	}
	if second.Values != 1 {
		t.Errorf("sealed %d values, want 1", second.Values)
	}
	before, after := strings.Split(added, "\n"), strings.Split(string(second.Data), "\n")
	if len(before) != len(after) {
		t.Fatalf("sealing again changed the number of lines: %d -> %d", len(before), len(after))
	}
	var changed []string
	for i := range before {
		if before[i] != after[i] {
			changed = append(changed, strings.Fields(before[i])[0])
		}
	}
	if got, want := strings.Join(changed, " "), "token: lastmodified: mac:"; got != want {
		t.Errorf("lines changed by sealing again: %s, want %s", got, want)
	}
	if strings.Contains(string(second.Data), "fixture-token-42") {
		t.Error("the new value is still in plaintext")
	}
	if err := os.WriteFile(file, second.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	repo, ds := load(t, dir, demoKeys(t))
	if len(ds) > 0 {
		t.Fatalf("Load: %v", ds)
	}
	in := repo.Tenants[0].Connections[0].Input
	if in["token"].Reveal() != "fixture-token-42" || in["password"].Reveal() != "fixture-password-8675309" {
		t.Errorf("decrypted input = token %v, password %v", in["token"].Reveal(), in["password"].Reveal())
	}

	// Sealing a file with nothing new in it is a no-op, said so.
	if _, err := spec.Encrypt(file, second.Data, spec.EncryptOptions{SOPS: sealer(t)}); !errors.Is(err, spec.ErrAlreadySealed) {
		t.Errorf("sealing a sealed file: %v, want ErrAlreadySealed", err)
	}
	// Without a key that opens the file, a new value cannot be sealed.
	if _, err := spec.Encrypt(file, []byte(added), spec.EncryptOptions{SOPS: keyless(t)}); err == nil || !strings.Contains(err.Error(), "needs a key that opens it") {
		t.Errorf("sealing without a key: %v", err)
	}
}

// TestUnsealSeal: edit opens a sealed file, and sealing the edit keeps the
// ciphertext of every value that did not change.
func TestUnsealSeal(t *testing.T) {
	dir := encryptRepo(t, map[string]string{"hooli.yaml": handWritten})
	file := filepath.Join(dir, "hooli.yaml")
	sealed := encryptInPlace(t, file).Data
	u, err := spec.Unseal(file, sealed, sealer(t))
	if err != nil {
		t.Fatal(err)
	}
	text := string(u.Text())
	if text != strings.Replace(handWritten, `"fixture-password-8675309"`, "fixture-password-8675309", 1) {
		t.Errorf("unsealed text is not the hand-written file:\n%s", text)
	}
	if same, _, err := u.Seal(u.Text(), time.Now()); err != nil || string(same) != string(sealed) {
		t.Errorf("sealing an unchanged edit = %v, want the original file byte for byte", err)
	}
	edited := strings.Replace(text, "fixture-password-8675309", "fixture-password-rotated", 1)
	out, n, err := u.Seal([]byte(edited), time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("sealed %d values, want 1", n)
	}
	before, after := strings.Split(string(sealed), "\n"), strings.Split(string(out), "\n")
	var changed []string
	for i := range before {
		if i < len(after) && before[i] != after[i] {
			changed = append(changed, strings.Fields(before[i])[0])
		}
	}
	if got, want := strings.Join(changed, " "), "password: lastmodified: mac:"; got != want {
		t.Errorf("lines changed by the edit: %s, want %s", got, want)
	}
	if err := os.WriteFile(file, out, 0o600); err != nil {
		t.Fatal(err)
	}
	repo, ds := load(t, dir, demoKeys(t))
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	if got := repo.Tenants[0].Connections[0].Input["password"].Reveal(); got != "fixture-password-rotated" {
		t.Errorf("password = %v after the edit", got)
	}
}
