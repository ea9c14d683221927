package spec

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"filippo.io/age"
)

// Keys are the decryption keys the caller hands in, as CollectKeys gathers
// them from SOPS's own sources. PGP and cloud KMS keys are reached through
// SOPS's own key service, which finds its credentials itself.
type Keys struct {
	Age []KeySource // age identity files
	SSH []KeySource // SSH private keys, for "ssh-..." age recipients
}

// A KeySource is the text of an age identity file and where it came from,
// so that a malformed key can be named without printing it.
type KeySource struct {
	Origin string // e.g. "SOPS_AGE_KEY" or "SOPS_AGE_KEY_FILE=/path/keys.txt"
	Data   []byte
}

// ParseAgeIdentities parses every source. Errors name the source and line,
// never the key material.
func ParseAgeIdentities(sources []KeySource) ([]age.Identity, error) {
	var ids []age.Identity
	for _, src := range sources {
		sc := bufio.NewScanner(bytes.NewReader(src.Data))
		sc.Buffer(make([]byte, 0, 4096), 1<<20)
		n, found := 0, 0
		for sc.Scan() {
			n++
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			parsed, err := age.ParseIdentities(strings.NewReader(line))
			if err != nil {
				return nil, fmt.Errorf("%s: line %d: not an age identity (want AGE-SECRET-KEY-1...)", src.Origin, n)
			}
			ids = append(ids, parsed...)
			found++
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: cannot read: %v", src.Origin, err)
		}
		if found == 0 {
			return nil, fmt.Errorf("%s: holds no age identity", src.Origin)
		}
	}
	return ids, nil
}

// ParseIdentities parses every age identity and SSH key of keys into age
// identities, the age ones first. Errors name the source, never the key
// material.
func ParseIdentities(keys Keys) ([]age.Identity, error) {
	ids, err := ParseAgeIdentities(keys.Age)
	if err != nil {
		return nil, err
	}
	sshIDs, err := parseSSHIdentities(keys.SSH)
	if err != nil {
		return nil, err
	}
	return append(ids, sshIDs...), nil
}

// PublicKey is the recipient of an identity that ParseIdentities returned,
// as SOPS records it.
func PublicKey(id age.Identity) string { return publicKey(id) }

// otherKeyVariables are the variables SOPS's other key services read
// (PGP, AWS and GCP KMS, Azure Key Vault, HashiCorp Vault): with one of
// them set, SOPS may reach a key that CollectKeys does not collect.
var otherKeyVariables = []string{"SOPS_PGP_FP", "GNUPGHOME", "SOPS_KMS_ARN", "AWS_ACCESS_KEY_ID", "AWS_PROFILE",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "GOOGLE_APPLICATION_CREDENTIALS", "AZURE_CLIENT_ID", "VAULT_TOKEN", "VAULT_ADDR"}

// NoKeyConfigured reports whether no SOPS key of any kind is configured:
// no age or SSH key in any source CollectKeys reads, and none of the
// variables SOPS's other key services read. A source the user named that
// cannot be used counts as configured: it is a problem to report, not an
// absence of keys. plan then works from the ciphertext alone.
func NoKeyConfigured(env KeyEnv) bool {
	keys, reports := CollectKeys(env)
	if KeysError(reports) != nil || len(keys.Age)+len(keys.SSH) > 0 {
		return false // a key, or a named source to report: decrypt
	}
	for _, v := range otherKeyVariables {
		if env.Getenv != nil && env.Getenv(v) != "" {
			return false
		}
	}
	return true
}
