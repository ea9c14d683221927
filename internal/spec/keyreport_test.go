package spec

import (
	"bytes"
	"testing"

	"filippo.io/age"
	"github.com/google/go-cmp/cmp"
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
