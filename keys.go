package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"

	"github.com/google/shlex"

	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/schemas"
)

// schemaFS is the embedded schemas, handed to internal/spec.
var schemaFS fs.FS = schemas.FS

// maxKeyFile bounds an age identity file: real ones are a few hundred bytes.
const maxKeyFile = 1 << 20

// keyEnv hands spec's key collector the environment and a way to run the
// commands SOPS_AGE_KEY_CMD and SOPS_AGE_SSH_PRIVATE_KEY_CMD name. The
// command's standard error is dropped, as sops drops it, since it could
// echo key material (a password manager prompts on /dev/tty, not there);
// its output is bounded.
func keyEnv(e env) spec.KeyEnv {
	return spec.KeyEnv{Getenv: e.getenv, Run: func(command string) ([]byte, error) {
		args, err := shlex.Split(command)
		if err != nil || len(args) == 0 {
			return nil, errors.New("not a command line")
		}
		cmd := exec.Command(args[0], args[1:]...)
		var out bytes.Buffer
		cmd.Stdout = &limitWriter{w: &out, n: maxKeyFile + 1}
		if err := cmd.Run(); err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return nil, fmt.Errorf("%s exited with status %d", args[0], ee.ExitCode())
			}
			return nil, fmt.Errorf("cannot run %s", args[0])
		}
		return out.Bytes(), nil
	}}
}

// limitWriter keeps at most n bytes and drops the rest, so that a
// runaway command cannot fill memory; the caller sees n bytes and refuses.
type limitWriter struct {
	w io.Writer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.n <= 0 {
		return len(p), nil
	}
	k := min(len(p), l.n)
	l.n -= k
	if _, err := l.w.Write(p[:k]); err != nil {
		return 0, err
	}
	return len(p), nil
}

// decryptionKeys collects keys from every source SOPS reads (see
// spec.CollectKeys). A source the user named that cannot be used stops the
// run, with a hint; key material is never printed.
func decryptionKeys(e env) (spec.Keys, error) {
	keys, reports := spec.CollectKeys(keyEnv(e))
	if err := spec.KeysError(reports); err != nil {
		hint := "an age identity is one line starting with AGE-SECRET-KEY-1; lines starting with # are comments"
		var ke *spec.KeySourceError
		if errors.As(err, &ke) {
			hint = keyHint(ke.Kind, hint)
		}
		return keys, &hinted{err: err, hint: hint}
	}
	return keys, nil
}

func keyHint(k spec.KeyProblemKind, fallback string) string {
	switch k {
	case spec.NoSuchFile, spec.NotAFile:
		return "SOPS_AGE_KEY_FILE names a file holding AGE-SECRET-KEY-1... lines (SOPS_AGE_SSH_PRIVATE_KEY_FILE an SSH private key); SOPS_AGE_KEY holds the key itself"
	case spec.CommandFailed, spec.CommandNotRun:
		return "the command must print the key on its standard output; run it yourself to see why it fails"
	case spec.SSHPassphrase:
		return "use an SSH key without a passphrase, or print the decrypted key with SOPS_AGE_SSH_PRIVATE_KEY_CMD"
	case spec.SSHMalformed:
		return "name an ed25519 or RSA private key in OpenSSH or PEM form (the file without .pub)"
	}
	return fallback
}

// noSOPSKey reports whether no SOPS key of any kind is configured: no age
// key (variable or default file) and none of the variables SOPS's other
// key services read. plan then works from the ciphertext alone.
func noSOPSKey(e env) bool {
	keys, reports := spec.CollectKeys(keyEnv(e))
	if spec.KeysError(reports) != nil || len(keys.Age)+len(keys.SSH) > 0 {
		return false // a key, or a named source to report: decrypt
	}
	for _, v := range []string{"SOPS_PGP_FP", "GNUPGHOME", "SOPS_KMS_ARN", "AWS_ACCESS_KEY_ID", "AWS_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "GOOGLE_APPLICATION_CREDENTIALS", "AZURE_CLIENT_ID", "VAULT_TOKEN", "VAULT_ADDR"} {
		if e.getenv(v) != "" {
			return false
		}
	}
	return true
}
