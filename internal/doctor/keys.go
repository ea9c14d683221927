package doctor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// maxKeyFile bounds an age identity file: real ones are a few hundred bytes.
const maxKeyFile = 1 << 20

// checkKeys gathers age identities the way ageKeys does, but reports on
// every source instead of stopping at the first bad one. It returns the
// keys and, for each public key, where its identity came from.
func checkKeys(r *report, ke KeyEnv) (spec.Keys, map[string]string) {
	var keys spec.Keys
	if v := ke.AgeKey; v != "" {
		keys.Age = append(keys.Age, spec.KeySource{Origin: "SOPS_AGE_KEY", Data: []byte(v)})
	}
	if p := ke.AgeKeyFile; p != "" {
		data, f := readKeyFile(p, "SOPS_AGE_KEY_FILE="+p)
		if f != nil {
			r.add(*f)
		} else {
			keys.Age = append(keys.Age, spec.KeySource{Origin: "SOPS_AGE_KEY_FILE=" + p, Data: data})
		}
	}
	if p := ke.DefaultFile; p != "" {
		if _, err := os.Stat(p); err == nil {
			data, f := readKeyFile(p, p)
			if f != nil {
				r.add(*f)
			} else {
				keys.Age = append(keys.Age, spec.KeySource{Origin: p, Data: data})
			}
		}
	}
	if ke.AgeKeyCmd != "" {
		r.add(finding{sev: sevWarn, area: "keys", msg: "SOPS_AGE_KEY_CMD is set, but workato-gitops does not run it",
			hint: "hand the key over in SOPS_AGE_KEY instead, e.g. SOPS_AGE_KEY=\"$(your-command)\" workato-gitops ..."})
	}
	origin := map[string]string{}
	for _, kr := range spec.InspectKeys(keys.Age) {
		for _, p := range kr.Problems {
			r.add(keyProblemFinding(kr.Origin, p))
		}
		if len(kr.PublicKeys) > 0 {
			r.ok("keys", "%s: %s: %s", kr.Origin, plural(len(kr.PublicKeys), "age identity"), strings.Join(kr.PublicKeys, ", "))
		}
		for _, pk := range kr.PublicKeys {
			if _, seen := origin[pk]; !seen {
				origin[pk] = kr.Origin
			}
		}
	}
	return keys, origin
}

// readKeyFile reads a key file, or explains why it cannot.
func readKeyFile(p, origin string) ([]byte, *finding) {
	fail := func(msg, hint string) ([]byte, *finding) {
		return nil, &finding{sev: sevFail, area: "keys", msg: origin + ": " + msg, hint: hint}
	}
	st, err := os.Stat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail("no such file", "SOPS_AGE_KEY_FILE must name the file age-keygen wrote (absolute, or relative to the current directory); to pass the key itself, use SOPS_AGE_KEY")
	case err != nil:
		return fail("cannot read it: "+errTextOS(err), "check the path and the permissions of the directories on the way to it")
	case st.IsDir():
		return fail("is a directory, not a key file", "name the key file itself, e.g. SOPS_AGE_KEY_FILE=$HOME/.config/sops/age/keys.txt")
	case st.Size() > maxKeyFile:
		return fail("too large to be an age key file", "an age key file holds a few lines; check that SOPS_AGE_KEY_FILE names the right file")
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return fail("cannot read it: "+errTextOS(err), "make the file readable by this user (chmod 600, owned by the user that runs workato-gitops)")
	}
	return data, nil
}

// errTextOS strips the path from an OS error: the caller names the file.
func errTextOS(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func keyProblemFinding(origin string, p spec.KeyProblem) finding {
	f := finding{sev: sevFail, area: "keys"}
	at := fmt.Sprintf("%s: line %d", origin, p.Line)
	switch p.Kind {
	case spec.NoIdentity:
		f.msg = origin + ": holds no age identity"
		f.hint = "put the secret key there: the line age-keygen writes that starts with AGE-SECRET-KEY-1..."
	case spec.PublicKeyLine:
		f.msg = at + " is an age public key (age1...), not a secret key"
		f.hint = "the public key is what files are encrypted to; decrypting needs the secret key, the line of the same key file that starts with AGE-SECRET-KEY-1..."
	case spec.BadSecretKey:
		f.msg = at + " looks like an age secret key but does not parse"
		f.hint = "it is truncated or mistyped: copy the whole line again from the key file, without quotes or spaces"
	case spec.PluginIdentity:
		f.msg = at + " is an age plugin identity, which workato-gitops cannot use"
		f.hint = "use a native age key (age-keygen), added as a recipient with sops updatekeys"
	case spec.PGPBlock:
		f.msg = at + " starts a PGP key block, not an age identity"
		f.hint = "PGP keys belong in your gpg keyring, not in an age key file; SOPS finds them there"
	default:
		f.msg = at + " is not an age identity"
		f.hint = "an age identity is one line starting with AGE-SECRET-KEY-1...; lines starting with # are comments"
	}
	return f
}
