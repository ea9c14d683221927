package doctor

import (
	"fmt"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// checkKeys reads keys through the same collector as every other command
// (spec.CollectKeys), but reports on every source instead of stopping at
// the first bad one. It returns the keys and, for each public key, where
// its identity came from.
func checkKeys(r *report, ke KeyEnv) (spec.Keys, map[string]string) {
	keys, reports := spec.CollectKeys(ke)
	origin := map[string]string{}
	var looked []string
	for _, kr := range reports {
		looked = append(looked, lookedAt(kr))
		for _, p := range kr.Problems {
			if p.Kind == spec.SourceUnset {
				continue
			}
			f := keyProblemFinding(kr.Origin, p, kr.Detail)
			if kr.Kind == spec.SSHKey && !kr.Explicit {
				f.sev = sevWarn // a default ~/.ssh key that is not usable stops nothing
			}
			r.add(f)
		}
		if len(kr.PublicKeys) > 0 {
			what := "age identity"
			if kr.Kind == spec.SSHKey {
				what = "SSH key"
			}
			r.ok("keys", "%s: %s: %s", kr.Origin, plural(len(kr.PublicKeys), what), strings.Join(kr.PublicKeys, ", "))
		}
		for _, pk := range kr.PublicKeys {
			if _, seen := origin[pk]; !seen {
				origin[pk] = kr.Origin
			}
		}
	}
	fmt.Fprintf(r.w, "note: keys looked for in %s; PGP and cloud KMS keys are SOPS's to find (gpg agent, AWS/GCP/Azure/Vault credentials)\n", strings.Join(looked, ", "))
	return keys, origin
}

// lookedAt names a source and what was found there.
func lookedAt(kr spec.KeyReport) string {
	switch {
	case len(kr.PublicKeys) > 0:
		return fmt.Sprintf("%s (%d)", kr.Origin, len(kr.PublicKeys))
	case !kr.Read && len(kr.Problems) == 1 && kr.Problems[0].Kind == spec.SourceUnset:
		if kr.Explicit || strings.HasPrefix(kr.Origin, "SOPS_") {
			return kr.Origin + " (not set)"
		}
		return kr.Origin + " (none)"
	}
	return kr.Origin + " (unusable)"
}

func keyProblemFinding(origin string, p spec.KeyProblem, detail string) finding {
	f := finding{sev: sevFail, area: "keys", hint: KeyProblemHint(p.Kind)}
	at := fmt.Sprintf("%s: line %d", origin, p.Line)
	switch p.Kind {
	case spec.NoSuchFile, spec.NotAFile, spec.TooLarge, spec.Unreadable, spec.CommandFailed, spec.CommandNotRun,
		spec.SSHPassphrase, spec.SSHMalformed:
		f.msg = origin + ": " + spec.KeyProblemText(p.Kind)
		if detail != "" {
			f.msg += ": " + detail
		}
	case spec.NoIdentity:
		f.msg = origin + ": holds no age identity"
	case spec.PublicKeyLine:
		f.msg = at + " is an age public key (age1...), not a secret key"
	case spec.BadSecretKey:
		f.msg = at + " looks like an age secret key but does not parse"
	case spec.PluginIdentity:
		f.msg = at + " is an age plugin identity, which workato-gitops cannot use"
	case spec.PGPBlock:
		f.msg = at + " starts a PGP key block, not an age identity"
	default:
		f.msg = at + " is not an age identity"
	}
	return f
}

// KeyProblemHint says how to mend a key source with problem k: the one
// table of these hints, for doctor's findings and for the hint a command
// prints when it cannot collect its keys.
func KeyProblemHint(k spec.KeyProblemKind) string {
	switch k {
	case spec.NoSuchFile:
		return "SOPS_AGE_KEY_FILE must name the file age-keygen wrote (absolute, or relative to the current directory); to pass the key itself, use SOPS_AGE_KEY"
	case spec.NotAFile:
		return "name the key file itself, e.g. SOPS_AGE_KEY_FILE=$HOME/.config/sops/age/keys.txt"
	case spec.TooLarge:
		return "a key file holds a few lines; check that the variable names the right file"
	case spec.Unreadable:
		return "make the file readable by this user (chmod 600, owned by the user that runs workato-gitops)"
	case spec.CommandFailed, spec.CommandNotRun:
		return "the command must print the key on its standard output; run it yourself to see why it fails"
	case spec.SSHPassphrase:
		return "use an SSH key without a passphrase for SOPS, or print the decrypted key with SOPS_AGE_SSH_PRIVATE_KEY_CMD"
	case spec.SSHMalformed:
		return "name an ed25519 or RSA private key in OpenSSH or PEM form (the file without .pub)"
	case spec.NoIdentity:
		return "put the secret key there: the line age-keygen writes that starts with AGE-SECRET-KEY-1..."
	case spec.PublicKeyLine:
		return "the public key is what files are encrypted to; decrypting needs the secret key, the line of the same key file that starts with AGE-SECRET-KEY-1..."
	case spec.BadSecretKey:
		return "it is truncated or mistyped: copy the whole line again from the key file, without quotes or spaces"
	case spec.PluginIdentity:
		return "use a native age key (age-keygen), added as a recipient with sops updatekeys"
	case spec.PGPBlock:
		return "PGP keys belong in your gpg keyring, not in an age key file; SOPS finds them there"
	}
	return "an age identity is one line starting with AGE-SECRET-KEY-1...; lines starting with # are comments"
}
