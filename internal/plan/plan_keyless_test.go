package plan

import "testing"

func TestKeylessReason(t *testing.T) {
	then := LedgerConnection{Fingerprint: "hmac-sha256:aa", Ciphertext: map[string]string{"user": "u1", "password": "p1"}}
	cases := []struct {
		name string
		now  map[string]string
		le   LedgerConnection
		want string
	}{
		{"unchanged", map[string]string{"user": "u1", "password": "p1"}, then, ""},
		{"one value changed", map[string]string{"user": "u1", "password": "p2"}, then, "input changed since the last apply (its ciphertext changed)"},
		{"a value added", map[string]string{"user": "u1", "password": "p1", "token": "t1"}, then, "input changed since the last apply (its ciphertext changed)"},
		{"re-encrypted", map[string]string{"user": "u2", "password": "p2"}, then, "re-encrypted: apply compares fingerprints"},
		{"nothing recorded", map[string]string{"user": "u1"}, LedgerConnection{Fingerprint: "hmac-sha256:aa"},
			"input not decrypted and no ciphertext recorded at the last apply: apply compares fingerprints"},
		{"never sent", map[string]string{"user": "u1"}, LedgerConnection{}, "input never sent by workato-gitops"},
	}
	for _, tc := range cases {
		if got := keylessReason(tc.now, tc.le); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
