package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/schemas"
)

// schemaFS is the embedded schemas, handed to internal/spec.
var schemaFS fs.FS = schemas.FS

// maxKeyFile bounds an age identity file: real ones are a few hundred bytes.
const maxKeyFile = 1 << 20

// ageKeys collects age identities the way SOPS does: SOPS_AGE_KEY, the file
// SOPS_AGE_KEY_FILE names, and the default keys.txt in the user's config
// directory. Key material is never printed; errors name only the source.
func ageKeys(e env) (spec.Keys, error) {
	var keys spec.Keys
	if v := e.getenv("SOPS_AGE_KEY"); v != "" {
		keys.Age = append(keys.Age, spec.KeySource{Origin: "SOPS_AGE_KEY", Data: []byte(v)})
	}
	if p := e.getenv("SOPS_AGE_KEY_FILE"); p != "" {
		data, err := readKeyFile(p)
		if err != nil {
			return keys, &hinted{err: fmt.Errorf("SOPS_AGE_KEY_FILE=%s: %w", p, err), hint: "SOPS_AGE_KEY_FILE names a file holding AGE-SECRET-KEY-1... lines; SOPS_AGE_KEY holds the key itself"}
		}
		keys.Age = append(keys.Age, spec.KeySource{Origin: "SOPS_AGE_KEY_FILE=" + p, Data: data})
	}
	if p := defaultAgeKeyFile(e); p != "" {
		if data, err := readKeyFile(p); err == nil {
			keys.Age = append(keys.Age, spec.KeySource{Origin: p, Data: data})
		}
	}
	if _, err := spec.ParseAgeIdentities(keys.Age); err != nil {
		return keys, &hinted{err: err, hint: "an age identity is one line starting with AGE-SECRET-KEY-1; lines starting with # are comments"}
	}
	return keys, nil
}

func readKeyFile(p string) ([]byte, error) {
	st, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errors.New("no such file")
		}
		return nil, errors.New("cannot read")
	}
	if st.IsDir() {
		return nil, errors.New("is a directory, not a key file")
	}
	if st.Size() > maxKeyFile {
		return nil, errors.New("too large to be an age key file")
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, errors.New("cannot read")
	}
	return data, nil
}

// defaultAgeKeyFile is where SOPS looks when told nothing:
// $XDG_CONFIG_HOME/sops/age/keys.txt, else the OS config directory.
func defaultAgeKeyFile(e env) string {
	if x := e.getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "sops", "age", "keys.txt")
	}
	if home := e.getenv("HOME"); home != "" {
		return filepath.Join(home, ".config", "sops", "age", "keys.txt")
	}
	return ""
}

// noSOPSKey reports whether no SOPS key of any kind is configured: no age
// key (variable or default file) and none of the variables SOPS's other
// key services read. plan then works from the ciphertext alone.
func noSOPSKey(e env) bool {
	if keys, err := ageKeys(e); err != nil || len(keys.Age) > 0 {
		return false
	}
	for _, v := range []string{"SOPS_PGP_FP", "GNUPGHOME", "SOPS_KMS_ARN", "AWS_ACCESS_KEY_ID", "AWS_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "GOOGLE_APPLICATION_CREDENTIALS", "AZURE_CLIENT_ID", "VAULT_TOKEN", "VAULT_ADDR"} {
		if e.getenv(v) != "" {
			return false
		}
	}
	return true
}
