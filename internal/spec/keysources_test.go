package spec

import (
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
)

// TestCollectKeysReportsEverySource: doctor names each place it looked,
// in SOPS's order, whether or not a key was there.
func TestCollectKeysReportsEverySource(t *testing.T) {
	home := t.TempDir()
	_, reports := CollectKeys(KeyEnv{Getenv: func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}})
	var got []string
	for _, r := range reports {
		got = append(got, strings.ReplaceAll(r.Origin, home, "~"))
	}
	want := "SOPS_AGE_KEY SOPS_AGE_KEY_FILE SOPS_AGE_KEY_CMD ~/.config/sops/age/keys.txt SOPS_AGE_SSH_PRIVATE_KEY_FILE SOPS_AGE_SSH_PRIVATE_KEY_CMD ~/.ssh/id_ed25519 ~/.ssh/id_rsa"
	if strings.Join(got, " ") != want {
		t.Errorf("sources = %s\nwant      %s", strings.Join(got, " "), want)
	}
	if err := KeysError(reports); err != nil {
		t.Errorf("KeysError with no key anywhere = %v, want nil (absent sources are not errors)", err)
	}
}

// TestNoKeyConfigured: plan goes keyless only when no source holds a key,
// no source the user named is broken, and no other key service of SOPS
// (PGP, cloud KMS, Vault) has its variables set.
func TestNoKeyConfigured(t *testing.T) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	cases := []struct {
		name string
		env  map[string]string
		want bool
	}{
		{"nothing anywhere", nil, true},
		{"an age key", map[string]string{"SOPS_AGE_KEY": id.String()}, false},
		{"a named key file that is missing", map[string]string{"SOPS_AGE_KEY_FILE": filepath.Join(home, "missing.txt")}, false},
		{"a PGP key ring", map[string]string{"GNUPGHOME": home}, false},
		{"AWS KMS", map[string]string{"SOPS_KMS_ARN": "arn:aws:kms:eu-west-1:1:key/x"}, false},
		{"Vault", map[string]string{"VAULT_ADDR": "https://vault.example"}, false},
	}
	for _, tc := range cases {
		env := KeyEnv{Getenv: func(k string) string {
			if k == "HOME" {
				return home
			}
			return tc.env[k]
		}}
		if got := NoKeyConfigured(env); got != tc.want {
			t.Errorf("%s: NoKeyConfigured = %v, want %v", tc.name, got, tc.want)
		}
	}
}
