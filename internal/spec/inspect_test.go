package spec

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"filippo.io/age"
	"github.com/google/go-cmp/cmp"

	"github.com/workato-gitops/workato-gitops/schemas"
)

const inspectRecipient = "age1lc8mzn0wsfenvcu063rkjgpmexr69zydffdw6xcdujz3teu7wf3s8zw9f6"

func TestInspectKeys(t *testing.T) {
	demo := demoKeys(t).Age[0].Data
	other, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		data string
		want KeyReport
	}{
		{"demo key file", string(demo), KeyReport{Origin: "src", PublicKeys: []string{inspectRecipient}}},
		{"two keys, CRLF", string(demo) + "\r\n" + other.String() + "\r\n",
			KeyReport{Origin: "src", PublicKeys: []string{inspectRecipient, other.Recipient().String()}}},
		{"public key pasted", "# public key: " + inspectRecipient + "\n" + inspectRecipient + "\n",
			KeyReport{Origin: "src", Problems: []KeyProblem{{Line: 2, Kind: PublicKeyLine}}}},
		{"truncated secret key", "AGE-SECRET-KEY-1QQQ\n", KeyReport{Origin: "src", Problems: []KeyProblem{{Line: 1, Kind: BadSecretKey}}}},
		{"garbage then a key", "hello\n" + other.String(),
			KeyReport{Origin: "src", PublicKeys: []string{other.Recipient().String()}, Problems: []KeyProblem{{Line: 1, Kind: NotIdentity}}}},
		{"plugin", "AGE-PLUGIN-YUBIKEY-1QQQ\n", KeyReport{Origin: "src", Problems: []KeyProblem{{Line: 1, Kind: PluginIdentity}}}},
		{"pgp", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n", KeyReport{Origin: "src", Problems: []KeyProblem{{Line: 1, Kind: PGPBlock}}}},
		{"only comments", "# created: today\n\n", KeyReport{Origin: "src", Problems: []KeyProblem{{Kind: NoIdentity}}}},
		{"empty", "", KeyReport{Origin: "src", Problems: []KeyProblem{{Kind: NoIdentity}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := InspectKeys([]KeySource{{Origin: "src", Data: []byte(tc.data)}})
			if diff := cmp.Diff([]KeyReport{tc.want}, got); diff != "" {
				t.Errorf("InspectKeys (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUsableKeys(t *testing.T) {
	demo := demoKeys(t).Age[0].Data
	got := UsableKeys(Keys{Age: []KeySource{{Origin: "a", Data: []byte("junk\n" + inspectRecipient + "\n")}, {Origin: "b", Data: demo}}})
	if len(got.Age) != 1 || bytes.Contains(got.Age[0].Data, []byte("junk")) || bytes.Contains(got.Age[0].Data, []byte(inspectRecipient)) {
		t.Fatalf("UsableKeys kept more than the identity lines")
	}
	if _, err := ParseAgeIdentities(got.Age); err != nil {
		t.Fatal(err)
	}
	if got := UsableKeys(Keys{Age: []KeySource{{Origin: "a", Data: []byte("junk")}}}); len(got.Age) != 0 {
		t.Errorf("UsableKeys of no identity = %d sources, want none", len(got.Age))
	}
}

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
	demo := []Recipient{{Type: "age", ID: inspectRecipient}}
	type short struct {
		Path    string
		Config  bool
		Verdict Verdict
		Rcpts   []Recipient
		Ours    []string
		Problem string
	}
	ex := func(p string) string { return filepath.Join(examplesDir, p) }
	cases := []struct {
		name string
		dir  string
		keys Keys
		want []short
	}{
		{"demo key", examplesDir, demoKeys(t), []short{
			{ex("workato-gitops.yaml"), true, Opened, demo, []string{inspectRecipient}, ""},
			{ex("bases/standard.yaml"), false, NotEncrypted, nil, nil, ""},
			{ex("customers/acme.yaml"), false, Opened, demo, []string{inspectRecipient}, ""},
			{ex("customers/globex.yaml"), false, Opened, demo, []string{inspectRecipient}, ""},
			{ex("customers/initech.yaml"), false, Opened, demo, []string{inspectRecipient}, ""},
		}},
		{"no key", examplesDir, Keys{}, []short{
			{ex("workato-gitops.yaml"), true, NoKey, demo, nil, ""},
			{ex("bases/standard.yaml"), false, NotEncrypted, nil, nil, ""},
			{ex("customers/acme.yaml"), false, NoKey, demo, nil, ""},
			{ex("customers/globex.yaml"), false, NoKey, demo, nil, ""},
			{ex("customers/initech.yaml"), false, NoKey, demo, nil, ""},
		}},
		{"wrong key, and a bad line that does not stop the good one", filepath.Join(examplesDir, "customers"),
			Keys{Age: []KeySource{{Origin: "x", Data: []byte("junk\n" + other.String())}}}, []short{
				{filepath.Join(examplesDir, "customers", "acme.yaml"), false, NoKey, demo, nil, ""},
				{filepath.Join(examplesDir, "customers", "globex.yaml"), false, NoKey, demo, nil, ""},
				{filepath.Join(examplesDir, "customers", "initech.yaml"), false, NoKey, demo, nil, ""},
			}},
		{"tampered", tampered, demoKeys(t), []short{
			{filepath.Join(tampered, "acme.yaml"), false, Damaged, demo, []string{inspectRecipient},
				filepath.Join(tampered, "acme.yaml") + ":40: connections[1].input.password: cannot decrypt: the ciphertext was altered, or moved from another field"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reports, err := Inspect(tc.dir, Options{Schemas: schemas.FS, Keys: tc.keys})
			if err != nil {
				t.Fatal(err)
			}
			var got []short
			for _, r := range reports {
				s := short{r.Path, r.Config, r.Verdict, r.Recipients, r.Ours, ""}
				if r.Problem != (Diagnostic{}) {
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
	if _, err := Inspect("nowhere", Options{Schemas: schemas.FS}); err == nil {
		t.Error("Inspect of a missing directory: no error")
	}
}
