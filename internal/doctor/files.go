package doctor

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// checkNoIdentity reports the absence of any age identity, when a file
// needs one.
func checkNoIdentity(r *report, origin map[string]string, files []spec.FileReport) {
	if len(origin) > 0 {
		return
	}
	for _, f := range files {
		if slices.ContainsFunc(f.Recipients, func(rc spec.Recipient) bool { return rc.Type == "age" }) {
			r.add(finding{sev: sevFail, area: "keys", msg: "no age identity: SOPS_AGE_KEY, SOPS_AGE_KEY_FILE and the default keys.txt hold none",
				hint: "set SOPS_AGE_KEY_FILE to your age key file, or SOPS_AGE_KEY to the key itself (in CI, from a secret)"})
			return
		}
	}
	r.ok("keys", "no age identity given, and no file needs one")
}

// checkFiles reports each encrypted file: its recipients and whether a
// key here opens it.
func checkFiles(r *report, files []spec.FileReport, origin map[string]string) {
	var plain int
	for _, f := range files {
		if f.Verdict == spec.NotEncrypted {
			if f.Problem == (spec.Diagnostic{}) {
				plain++ // else unreadable: reported under manifests
			}
			continue
		}
		rcpts := "recipients: " + recipientList(f.Recipients)
		switch f.Verdict {
		case spec.Opened:
			r.ok("sops", "%s: opens; %s", f.Path, rcpts)
		case spec.NoKey:
			r.add(finding{sev: sevFail, area: "sops", msg: f.Path + ": no key here opens it; " + rcpts, hint: noKeyHint(f, origin)})
		case spec.Damaged:
			r.add(finding{sev: sevFail, area: "sops", msg: f.Problem.String(),
				hint: "restore the file from Git, or edit it only with 'sops edit'; values changed outside sops break its MAC"})
		}
	}
	if plain > 0 {
		r.ok("sops", "%s with no encrypted values", plural(plain, "file"))
	}
}

func recipientList(rs []spec.Recipient) string {
	if len(rs) == 0 {
		return "none"
	}
	parts := make([]string, len(rs))
	for i, rc := range rs {
		parts[i] = rc.ID
		if rc.Type != "age" {
			parts[i] = rc.String()
		}
	}
	return strings.Join(parts, ", ")
}

func noKeyHint(f spec.FileReport, origin map[string]string) string {
	hasAge := slices.ContainsFunc(f.Recipients, func(rc spec.Recipient) bool { return rc.Type == "age" })
	switch {
	case !hasAge:
		return "this file is encrypted to non-age keys only; SOPS reaches those with its own credentials (a gpg agent holding the PGP key; AWS, GCP or Azure credentials for KMS): check them"
	case len(f.Ours) > 0:
		return "your identity " + f.Ours[0] + " is a recipient, but the data key it holds does not decrypt: the sops metadata is corrupt; restore the file from Git"
	case len(origin) == 0:
		return "no age identity was given: set SOPS_AGE_KEY_FILE or SOPS_AGE_KEY"
	}
	pks := make([]string, 0, len(origin))
	for pk := range origin {
		pks = append(pks, pk)
	}
	slices.Sort(pks)
	for i, pk := range pks {
		pks[i] = pk + " (" + origin[pk] + ")"
	}
	return "your age identities are " + strings.Join(pks, ", ") + "; none is a recipient of this file: use the key of one of its recipients, or ask someone who can open it to add your public key (sops updatekeys)"
}

// checkConfig loads the manifests as validate does and reports the
// config and the validation.
func checkConfig(r *report, o Options, dec spec.Decrypter, files []spec.FileReport) *spec.Repo {
	dir := o.Dir
	repo, err := spec.Load(dir, spec.Options{Schemas: o.Schemas, Decrypter: dec})
	var ds spec.Diagnostics
	if err != nil && !errors.As(err, &ds) {
		r.add(finding{sev: sevFail, area: "manifests", msg: err.Error(), hint: "run workato-gitops validate " + dir})
		return nil
	}
	cfg := repo.Config
	// Problems the sops findings above already reported are not repeated.
	shown := map[string]bool{}
	noKey := map[string]bool{}
	for _, f := range files {
		switch f.Verdict {
		case spec.Damaged:
			shown[f.Problem.String()] = true
		case spec.NoKey:
			noKey[f.Path] = true
		}
	}
	var cfgDiags, other spec.Diagnostics
	sopsShown := 0
	for _, d := range ds {
		switch {
		case shown[d.String()] || (noKey[d.File] && strings.HasPrefix(d.Field, "sops")):
			sopsShown++
		case cfg.File != "" && d.File == cfg.File:
			cfgDiags = append(cfgDiags, d)
		default:
			other = append(other, d)
		}
	}
	switch {
	case cfg.File == "":
		r.ok("config", "no %s in %s; defaults apply", spec.ConfigFile, dir)
	case len(cfgDiags) > 0:
		r.add(finding{sev: sevFail, area: "config", msg: fmt.Sprintf("%s: %s", cfg.File, plural(len(cfgDiags), "problem")),
			details: firstDiags(cfgDiags), hint: "fix these; docs/manifest.md lists every field of the config (its defaults are used meanwhile)"})
	default:
		r.ok("config", "%s is valid", cfg.File)
	}
	checkFingerprintKey(r, repo, files)
	r.ok("config", "guards: at most %d deletes per tenant, %d in all; parallelism %d", cfg.Guards.MaxDeletesPerTenant, cfg.Guards.MaxDeletesTotal, cfg.Parallelism)
	switch {
	case len(other) > 0:
		r.add(finding{sev: sevFail, area: "manifests", msg: fmt.Sprintf("%s; %s valid", plural(len(other), "problem"), plural(len(repo.Tenants), "tenant")),
			details: firstDiags(other), hint: "run 'workato-gitops validate " + dir + "' for the whole list; every problem names its file, line and field"})
	case sopsShown > 0:
		r.add(finding{sev: sevWarn, area: "manifests", msg: fmt.Sprintf("%s valid; files that do not open here were not checked", plural(len(repo.Tenants), "tenant")),
			hint: "fix the keys above, then run doctor again"})
	default:
		r.ok("manifests", "%s valid in %s", tenantsPhrase(repo.Tenants), plural(len(repo.Files), "file"))
	}
	return repo
}

// firstDiags shows the first few diagnostics and counts the rest.
func firstDiags(ds spec.Diagnostics) []string {
	const show = 3
	var out []string
	for i, d := range ds {
		if i == show {
			out = append(out, fmt.Sprintf("(and %d more)", len(ds)-show))
			break
		}
		out = append(out, d.String())
	}
	return out
}

// checkFingerprintKey checks the key plan and apply fingerprint inputs
// with: needed as soon as one connection has input.
func checkFingerprintKey(r *report, repo *spec.Repo, files []spec.FileReport) {
	needed := 0
	for _, t := range repo.Tenants {
		for _, c := range t.Connections {
			if c.HasInput {
				needed++
			}
		}
	}
	var cfgFile *spec.FileReport
	for i := range files {
		if files[i].Config {
			cfgFile = &files[i]
		}
	}
	switch {
	case !repo.Config.FingerprintKey.IsZero():
		r.ok("config", "fingerprintKey is set and decrypts")
	case cfgFile != nil && cfgFile.Verdict == spec.Opened:
		r.add(finding{sev: sevFail, area: "config", msg: "fingerprintKey decrypts but cannot be used",
			hint: "see the config problems above"})
	case cfgFile != nil && cfgFile.Verdict != spec.NotEncrypted:
		r.add(finding{sev: sevFail, area: "config", msg: "fingerprintKey is set but could not be decrypted here",
			hint: "see the sops finding for " + cfgFile.Path + " above"})
	case needed > 0:
		verb := "have"
		if needed == 1 {
			verb = "has"
		}
		r.add(finding{sev: sevFail, area: "config", msg: fmt.Sprintf("no fingerprintKey, but %s %s input", plural(needed, "connection"), verb),
			hint: "add fingerprintKey: <32+ random characters, e.g. from openssl rand -base64 32> to workato-gitops.yaml, then run workato-gitops encrypt workato-gitops.yaml"})
	default:
		r.ok("config", "no fingerprintKey; none needed, as no connection has input")
	}
}
