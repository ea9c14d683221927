package spec

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"golang.org/x/crypto/ssh"
)

// This file is the one place that decides where decryption keys come from.
// It follows SOPS (age/keysource.go of getsops/sops v3.13): age identities
// from SOPS_AGE_KEY, the file SOPS_AGE_KEY_FILE names, the output of
// SOPS_AGE_KEY_CMD and the default keys.txt; SSH keys (ed25519 and RSA, for
// files encrypted to an "ssh-..." age recipient) from the file
// SOPS_AGE_SSH_PRIVATE_KEY_FILE names, the output of
// SOPS_AGE_SSH_PRIVATE_KEY_CMD, ~/.ssh/id_ed25519 and ~/.ssh/id_rsa. PGP and
// cloud KMS keys are not collected: SOPS's own key service reaches them
// with their usual credentials (gpg agent, AWS/GCP/Azure/Vault SDKs).
// Decryption (Load, Inspect) and doctor read the same collection.

// maxKeySource bounds a key file or a key command's output: real ones are a
// few kilobytes.
const maxKeySource = 1 << 20

// KeyEnv is what CollectKeys may consult. The caller (package main) hands
// in the environment; spec never reads it itself.
type KeyEnv struct {
	Getenv func(string) string
	// Run runs a command line, split into words as a shell would but
	// without a shell, and returns its standard output. Nil means key
	// commands are not run; they are then reported as such.
	Run func(command string) ([]byte, error)
}

// KeyKind is what a key source holds.
type KeyKind int

const (
	// AgeIdentities sources hold AGE-SECRET-KEY-1... lines.
	AgeIdentities KeyKind = iota
	// SSHKey sources hold one SSH private key (ed25519 or RSA).
	SSHKey
)

// Sources not read. A source named by a variable that cannot be read is
// an error for Load; a default location that is absent is not.
const (
	// SourceUnset: the variable is not set, or the default file does not exist.
	SourceUnset KeyProblemKind = 100 + iota
	// NoSuchFile: the variable names a file that does not exist.
	NoSuchFile
	// NotAFile: the path is a directory or not a regular file.
	NotAFile
	// TooLarge: larger than any key file.
	TooLarge
	// Unreadable: the file exists but cannot be read.
	Unreadable
	// CommandFailed: the key command failed or is not a command line.
	CommandFailed
	// CommandNotRun: the caller gave no way to run commands.
	CommandNotRun
	// SSHPassphrase: the SSH key is protected by a passphrase, which
	// cannot be asked for here (SOPS refuses it from a command too).
	SSHPassphrase
	// SSHMalformed: not an ed25519 or RSA private key in OpenSSH or PEM form.
	SSHMalformed
)

// collectSource is one place CollectKeys looks.
type collectSource struct {
	origin   string
	kind     KeyKind
	explicit bool // named by the user: failing to read it is an error
	read     func() ([]byte, KeyProblemKind, string)
}

// CollectKeys gathers every key source SOPS reads, in SOPS's order, and
// reports on each one it looked at: what it holds (public keys only) or why
// it could not be used. Keys holds the sources that could be read; use
// KeysError to decide whether a problem must stop a run.
func CollectKeys(env KeyEnv) (Keys, []KeyReport) {
	var keys Keys
	var reports []KeyReport
	for _, src := range keySources(env) {
		data, kind, detail := src.read()
		r := KeyReport{Origin: src.origin, Kind: src.kind, Explicit: src.explicit}
		if kind != 0 {
			r.Read = false
			r.Problems = []KeyProblem{{Kind: kind}}
			r.Detail = detail
			reports = append(reports, r)
			continue
		}
		r.Read = true
		ks := KeySource{Origin: src.origin, Data: data}
		switch src.kind {
		case AgeIdentities:
			r = inspectKeySource(ks, nil)
			r.Read, r.Explicit, r.Kind = true, src.explicit, AgeIdentities
			keys.Age = append(keys.Age, ks)
		case SSHKey:
			pub, problem := inspectSSHKey(data)
			if problem != 0 {
				r.Problems = []KeyProblem{{Kind: problem}}
			} else {
				r.PublicKeys = []string{pub}
				keys.SSH = append(keys.SSH, ks)
			}
		}
		reports = append(reports, r)
	}
	return keys, reports
}

func keySources(env KeyEnv) []collectSource {
	get := env.Getenv
	if get == nil {
		get = func(string) string { return "" }
	}
	var out []collectSource
	fromVar := func(name string, kind KeyKind) {
		p := get(name)
		out = append(out, collectSource{origin: name + "=" + p, kind: kind, explicit: p != "", read: func() ([]byte, KeyProblemKind, string) {
			if p == "" {
				return nil, SourceUnset, ""
			}
			return readKeySource(p, true)
		}})
		if p == "" {
			out[len(out)-1].origin = name
		}
	}
	fromCmd := func(name string, kind KeyKind) {
		c := get(name)
		out = append(out, collectSource{origin: name, kind: kind, explicit: c != "", read: func() ([]byte, KeyProblemKind, string) {
			switch {
			case c == "":
				return nil, SourceUnset, ""
			case env.Run == nil:
				return nil, CommandNotRun, ""
			}
			data, err := env.Run(c)
			if err != nil {
				return nil, CommandFailed, oneLine(err.Error())
			}
			if len(data) > maxKeySource {
				return nil, TooLarge, ""
			}
			return data, 0, ""
		}})
	}
	fromDefault := func(p string, kind KeyKind) {
		if p == "" {
			return
		}
		out = append(out, collectSource{origin: p, kind: kind, read: func() ([]byte, KeyProblemKind, string) {
			return readKeySource(p, false)
		}})
	}
	// Age identities, as SOPS's loadIdentities reads them.
	if v := get("SOPS_AGE_KEY"); v != "" {
		// SOPS reads several identities per line here, separated by spaces.
		out = append(out, collectSource{origin: "SOPS_AGE_KEY", explicit: true, read: func() ([]byte, KeyProblemKind, string) {
			return []byte(oneIdentityPerLine(v)), 0, ""
		}})
	} else {
		out = append(out, collectSource{origin: "SOPS_AGE_KEY", read: func() ([]byte, KeyProblemKind, string) { return nil, SourceUnset, "" }})
	}
	fromVar("SOPS_AGE_KEY_FILE", AgeIdentities)
	fromCmd("SOPS_AGE_KEY_CMD", AgeIdentities)
	fromDefault(defaultAgeKeyFile(get), AgeIdentities)
	// SSH keys, as SOPS's loadAgeSSHIdentities reads them.
	fromVar("SOPS_AGE_SSH_PRIVATE_KEY_FILE", SSHKey)
	fromCmd("SOPS_AGE_SSH_PRIVATE_KEY_CMD", SSHKey)
	if home := get("HOME"); home != "" {
		fromDefault(filepath.Join(home, ".ssh", "id_ed25519"), SSHKey)
		fromDefault(filepath.Join(home, ".ssh", "id_rsa"), SSHKey)
	}
	return out
}

// defaultAgeKeyFile is where SOPS looks when told nothing:
// $XDG_CONFIG_HOME/sops/age/keys.txt, else ~/.config/sops/age/keys.txt.
func defaultAgeKeyFile(get func(string) string) string {
	if x := get("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "sops", "age", "keys.txt")
	}
	if home := get("HOME"); home != "" {
		return filepath.Join(home, ".config", "sops", "age", "keys.txt")
	}
	return ""
}

// oneIdentityPerLine splits the words of each non-comment line onto lines
// of their own, as SOPS reads SOPS_AGE_KEY.
func oneIdentityPerLine(v string) string {
	var b strings.Builder
	for _, line := range strings.Split(v, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			b.WriteString(line + "\n")
			continue
		}
		b.WriteString(strings.Join(strings.Fields(t), "\n") + "\n")
	}
	return b.String()
}

// readKeySource reads a key file through a size limit. An absent default
// file is SourceUnset; an absent named file is NoSuchFile.
func readKeySource(p string, named bool) ([]byte, KeyProblemKind, string) {
	st, err := os.Stat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if named {
			return nil, NoSuchFile, ""
		}
		return nil, SourceUnset, ""
	case err != nil:
		return nil, Unreadable, osErrText(err)
	case !st.Mode().IsRegular():
		return nil, NotAFile, ""
	case st.Size() > maxKeySource:
		return nil, TooLarge, ""
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, Unreadable, osErrText(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeySource+1))
	if err != nil {
		return nil, Unreadable, osErrText(err)
	}
	if len(data) > maxKeySource {
		return nil, TooLarge, ""
	}
	return data, 0, ""
}

// osErrText strips the path from an OS error: the caller names the file.
func osErrText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// inspectSSHKey returns the public key of an SSH private key in the form
// SOPS records as a recipient ("ssh-ed25519 AAAA..."), or why it cannot be
// used.
func inspectSSHKey(data []byte) (string, KeyProblemKind) {
	if _, err := agessh.ParseIdentity(data); err != nil {
		var pm *ssh.PassphraseMissingError
		if errors.As(err, &pm) {
			return "", SSHPassphrase
		}
		return "", SSHMalformed
	}
	signer, err := ssh.ParsePrivateKey(data)
	if err != nil {
		return "", SSHMalformed
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))), 0
}

// parseSSHIdentities parses every SSH source into age identities.
func parseSSHIdentities(sources []KeySource) ([]age.Identity, error) {
	var ids []age.Identity
	for _, src := range sources {
		id, err := agessh.ParseIdentity(src.Data)
		if err != nil {
			var pm *ssh.PassphraseMissingError
			if errors.As(err, &pm) {
				return nil, fmt.Errorf("%s: the SSH key is protected by a passphrase, which workato-gitops cannot ask for", src.Origin)
			}
			return nil, fmt.Errorf("%s: not an SSH ed25519 or RSA private key", src.Origin)
		}
		pub, _ := inspectSSHKey(src.Data)
		ids = append(ids, sshIdentity{Identity: id, pub: pub})
	}
	return ids, nil
}

// sshIdentity is an SSH key as an age identity, with the public key that
// names it in reports.
type sshIdentity struct {
	age.Identity
	pub string
}

// recipientKey is the part of a recipient that identifies the key: an
// "ssh-..." recipient may carry a comment after its key.
func recipientKey(r string) string {
	if strings.HasPrefix(r, "ssh-") {
		if f := strings.Fields(r); len(f) >= 2 {
			return f[0] + " " + f[1]
		}
	}
	return r
}

// A KeySourceError is a key source that stops a run: one the user named
// that cannot be read, or that holds something other than keys.
type KeySourceError struct {
	Origin string
	Kind   KeyProblemKind
	Line   int
	Detail string
}

func (e *KeySourceError) Error() string {
	msg := e.Origin + ": " + KeyProblemText(e.Kind)
	if e.Line > 0 {
		msg = fmt.Sprintf("%s: line %d %s", e.Origin, e.Line, KeyProblemText(e.Kind))
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// KeysError is the first problem among reports that must stop a run: a
// source the user named (a variable) that cannot be read or holds no key,
// or a key file with lines that are not keys. Default locations that are
// absent or hold an unusable SSH key (a passphrase-protected
// ~/.ssh/id_ed25519 is common) do not stop a run; doctor reports them.
func KeysError(reports []KeyReport) error {
	for _, r := range reports {
		for _, p := range r.Problems {
			if p.Kind == SourceUnset {
				continue
			}
			if r.Kind == SSHKey && !r.Explicit {
				continue
			}
			return &KeySourceError{Origin: r.Origin, Kind: p.Kind, Line: p.Line, Detail: r.Detail}
		}
	}
	return nil
}

// KeyProblemText says what is wrong, without the origin and line.
func KeyProblemText(k KeyProblemKind) string {
	switch k {
	case NoIdentity:
		return "holds no age identity"
	case PublicKeyLine:
		return "is an age public key (age1...), not a secret key"
	case BadSecretKey:
		return "looks like an age secret key but does not parse"
	case PluginIdentity:
		return "is an age plugin identity, which workato-gitops cannot use"
	case PGPBlock:
		return "starts a PGP key block, not an age identity"
	case SourceUnset:
		return "not set"
	case NoSuchFile:
		return "no such file"
	case NotAFile:
		return "is a directory, not a key file"
	case TooLarge:
		return "too large to be a key file"
	case Unreadable:
		return "cannot read it"
	case CommandFailed:
		return "the command failed"
	case CommandNotRun:
		return "commands are not run here"
	case SSHPassphrase:
		return "the SSH key is protected by a passphrase, which workato-gitops cannot ask for"
	case SSHMalformed:
		return "not an SSH ed25519 or RSA private key"
	}
	return "is not an age identity"
}
