package spec

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/schemas"
)

func TestSkipDecryptNeedsNoKey(t *testing.T) {
	repo, err := Load(examplesDir, Options{Schemas: schemas.FS, SkipDecrypt: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(repo.Tenants) != 3 {
		t.Fatalf("got %d tenants, want 3", len(repo.Tenants))
	}
	for _, c := range repo.Tenants[0].Connections {
		if c.Input != nil {
			t.Errorf("connection %q has an input without decryption", c.Name)
		}
	}
}

func TestPlaintextFilesNeedNoKey(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "t.yaml", []byte("apiVersion: workato-gitops/v1\nkind: Tenant\nmetadata:\n  name: t\n  allowPlaintextInput: true\n"+
		"customer:\n  externalId: X\n  name: X\n  notificationEmail: x@x.x\nconnections:\n  - name: api\n    provider: http\n    input:\n      port: 8080\n      tls: true\n"))
	repo, err := Load(dir, Options{Schemas: schemas.FS})
	if err != nil {
		t.Fatal(err)
	}
	got := repo.Tenants[0].Connections[0].Input.Reveal()
	if diff := cmp.Diff(map[string]any{"port": int64(8080), "tls": true}, got); diff != "" {
		t.Errorf("input (-want +got):\n%s", diff)
	}
}

// TestEncryptedNeedsADecrypter: an encrypted file loaded with neither a
// Decrypter nor SkipDecrypt is a problem at its sops key, not a silent
// load without its inputs.
func TestEncryptedNeedsADecrypter(t *testing.T) {
	repo, ds := load(t, examplesDir)
	want := "customers/acme.yaml:53: sops: encrypted, but this command was given no way to decrypt (an internal error; please report it)"
	if len(ds) != 4 || !strings.HasSuffix(ds[0].String(), want) {
		t.Fatalf("diagnostics = %v, want one per encrypted file, the first ending %q", ds, want)
	}
	if !repo.Config.FingerprintKey.IsZero() || repo.Config.FingerprintKeySealed {
		t.Errorf("the fingerprint key is neither decrypted nor sealed-by-choice: %+v", repo.Config)
	}
}

func TestBasesMerge(t *testing.T) {
	repo, err := Load(examplesDir, Options{Schemas: schemas.FS, SkipDecrypt: true}) // merging needs no input
	if err != nil {
		t.Fatal(err)
	}
	globex := repo.Tenants[1]
	var slack *Connection
	for i := range globex.Connections {
		if globex.Connections[i].Name == "Slack notifications" {
			if slack != nil {
				t.Fatal("Slack notifications appears twice")
			}
			slack = &globex.Connections[i]
		}
	}
	if slack == nil || slack.State != StateConnected || !strings.HasSuffix(slack.File, "globex.yaml") {
		t.Errorf("globex's Slack connection should override the base's: %+v", slack)
	}
	if !globex.Prune.Connections {
		t.Errorf("prune.connections from the base is lost")
	}
	initech := repo.Tenants[2]
	if !initech.Prune.Connections || !initech.Prune.Folders {
		t.Errorf("initech prune = %+v, want connections (base) and folders (own)", initech.Prune)
	}
	if initech.Connections[0].Name != "Slack notifications" || initech.Connections[0].State != StateShell {
		t.Errorf("inherited objects come first, in base order: %+v", initech.Connections[0])
	}
}

func TestEveryPatternHasAMessage(t *testing.T) {
	for _, name := range []string{schemas.Tenant, schemas.Config} {
		data, err := fs.ReadFile(schemas.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatal(err)
		}
		walkValue(v, "", func(ptr string, x any) {
			if strings.HasSuffix(ptr, "/pattern") {
				if _, ok := patternMessages[x.(string)]; !ok {
					t.Errorf("%s %s: pattern %q has no entry in patternMessages", name, ptr, x)
				}
			}
		})
	}
}

func TestSecretNeverPrints(t *testing.T) {
	s := NewSecret("hunter2-very-secret")
	holder := struct {
		Exported   Secret
		unexported Secret
		Input      Input
	}{s, s, Input{"password": s}}
	outputs := map[string]string{
		"%v": fmt.Sprintf("%v", s), "%s": fmt.Sprintf("%s", s), "%q": fmt.Sprintf("%q", s), "%x": fmt.Sprintf("%x", s),
		"%#v": fmt.Sprintf("%#v", s), "%d": fmt.Sprintf("%d", s), "String": s.String(), "GoString": s.GoString(),
		"struct %v": fmt.Sprintf("%v", holder), "struct %+v": fmt.Sprintf("%+v", holder), "struct %#v": fmt.Sprintf("%#v", holder),
		"json": mustJSON(t, holder), "text": string(must(s.MarshalText())),
	}
	for what, out := range outputs {
		if strings.Contains(out, "hunter2") {
			t.Errorf("%s printed the secret: %s", what, out)
		}
	}
	if err := json.Unmarshal([]byte(`"x"`), &s); err == nil {
		t.Errorf("a Secret was decoded from JSON")
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestFingerprint(t *testing.T) {
	key := NewSecret("k1-0123456789abcdef0123456789abcdef")
	base := Input{"user": NewSecret("u"), "port": NewSecret(int64(1))}
	fp := base.Fingerprint(key)
	if !strings.HasPrefix(fp, "hmac-sha256:") || len(fp) != len("hmac-sha256:")+64 {
		t.Fatalf("fingerprint format: %s", fp)
	}
	same := Input{"port": NewSecret(int64(1)), "user": NewSecret("u")}
	if same.Fingerprint(key) != fp {
		t.Errorf("key order changed the fingerprint")
	}
	differ := map[string]string{
		"value":   Input{"user": NewSecret("v"), "port": NewSecret(int64(1))}.Fingerprint(key),
		"type":    Input{"user": NewSecret("u"), "port": NewSecret("1")}.Fingerprint(key),
		"key":     base.Fingerprint(NewSecret("k2-0123456789abcdef0123456789abcdef")),
		"shifted": Input{"user": NewSecret("u|string|1:1"), "p": NewSecret("")}.Fingerprint(key),
	}
	for what, other := range differ {
		if other == fp {
			t.Errorf("changing the %s kept the fingerprint", what)
		}
	}
	if strings.Contains(fp, "u") && strings.Contains(fp, "user") {
		t.Errorf("fingerprint leaks the input: %s", fp)
	}
}

func TestParseRate(t *testing.T) {
	tests := map[string]RateLimit{
		"600/1m":    {Requests: 600, Per: time.Minute},
		"500/1h":    {Requests: 500, Per: time.Hour},
		"10/250ms":  {Requests: 10, Per: 250 * time.Millisecond},
		"3/2s":      {Requests: 3, Per: 2 * time.Second},
		"unlimited": {},
	}
	for in, want := range tests {
		if got := parseRate(in); got != want {
			t.Errorf("parseRate(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
