package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

type doctorOptions struct {
	dir     string
	offline bool
	tenant  string        // whose customer the per-customer API checks read; "" picks one
	timeout time.Duration // per API call
}

func doctorCommand(e env) *cli.Command {
	return &cli.Command{
		Name:      "doctor",
		Usage:     "explain what stops the tool from working here: keys, encrypted files, config, API access",
		ArgsUsage: "[DIR]",
		Description: `Checks, one finding at a time, everything validate, plan and apply need:
the age keys SOPS_AGE_KEY, SOPS_AGE_KEY_FILE and the default keys.txt hold;
file by file, the SOPS recipients of each encrypted manifest and whether a key
here opens it; the repository config and the manifests; the API URL and where
it came from, the token (set or not; never its value) and, with a few read
calls, what the token may do. Each finding is OK, WARN or FAIL; WARN and FAIL
come with a hint. Exit code 1 when anything FAILs.

No key, token or decrypted value is ever printed; public keys (age1...) are.

Examples:
   workato-gitops doctor tenants/
   workato-gitops doctor --offline            # no API calls
   workato-gitops doctor --tenant acme        # check the API against acme's workspace`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "offline", Usage: "skip the API checks"},
			&cli.StringFlag{Name: "tenant", Usage: "read the workspace of tenant `NAME` for the per-customer API checks (default: the first whose workspace exists)"},
			&cli.DurationFlag{Name: "timeout", Value: 15 * time.Second, Usage: "give up on one API call after `DURATION`"},
		},
		Action: func(c *cli.Context) error {
			dir, err := dirArg(c)
			if err != nil {
				return err
			}
			return runDoctor(c.Context, doctorOptions{dir: dir, offline: c.Bool("offline"), tenant: c.String("tenant"), timeout: c.Duration("timeout")}, e)
		},
	}
}

// severity of a finding.
type severity int

const (
	sevOK severity = iota
	sevWarn
	sevFail
)

var severityLabel = [...]string{sevOK: "OK", sevWarn: "WARN", sevFail: "FAIL"}

// A finding is one thing checked and what came of it. Nothing in it may
// hold key material, a token or a decrypted value.
type finding struct {
	sev     severity
	area    string // keys, sops, config, manifests, api
	msg     string
	details []string // e.g. the first diagnostics of a failed validation
	hint    string   // the fix; set for WARN and FAIL
}

// report prints findings as they are made, so a slow API check shows
// what came before it, and counts them for the summary.
type doctorReport struct {
	w      io.Writer
	counts [3]int
}

func (r *doctorReport) add(f finding) {
	r.counts[f.sev]++
	fmt.Fprintf(r.w, "%-4s  %s: %s\n", severityLabel[f.sev], f.area, f.msg)
	for _, d := range f.details {
		fmt.Fprintf(r.w, "      %s\n", d)
	}
	if f.hint != "" {
		fmt.Fprintf(r.w, "      hint: %s\n", f.hint)
	}
}

func (r *doctorReport) ok(area, format string, args ...any) {
	r.add(finding{sev: sevOK, area: area, msg: fmt.Sprintf(format, args...)})
}

func runDoctor(ctx context.Context, o doctorOptions, e env) error {
	if ctx == nil {
		ctx = context.Background()
	}
	r := &doctorReport{w: e.stdout}
	dir, err := findRepository(o.dir)
	if err != nil {
		return err
	}
	o.dir = dir
	keys, idOrigin := doctorKeys(r, e)
	files, err := spec.Inspect(o.dir, spec.Options{Schemas: schemaFS, Keys: keys})
	if err != nil {
		// The directory itself is unreadable: nothing else can be checked.
		r.add(finding{sev: sevFail, area: "manifests", msg: err.Error(), hint: "name the directory that holds your manifests and workato-gitops.yaml: workato-gitops doctor DIR"})
		return doctorExit(r)
	}
	doctorNoIdentity(r, idOrigin, files)
	doctorFiles(r, files, idOrigin)
	repo := doctorConfig(r, o.dir, keys, files)
	if o.offline {
		fmt.Fprintln(r.w, "note: API checks skipped (--offline)")
	} else {
		doctorAPI(ctx, r, o, e, repo)
	}
	return doctorExit(r)
}

func doctorExit(r *doctorReport) error {
	fmt.Fprintf(r.w, "\n%d OK, %d WARN, %d FAIL\n", r.counts[sevOK], r.counts[sevWarn], r.counts[sevFail])
	if n := r.counts[sevFail]; n > 0 {
		return &codeError{code: exitError, err: fmt.Errorf("%s failed; see the hints above", plural(n, "check"))}
	}
	return nil
}

// doctorKeys reads keys through the same collector as every other command
// (spec.CollectKeys), but reports on every source instead of stopping at
// the first bad one. It returns the keys and, for each public key, where
// its identity came from.
func doctorKeys(r *doctorReport, e env) (spec.Keys, map[string]string) {
	keys, reports := spec.CollectKeys(keyEnv(e))
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

// errTextOS strips the path from an OS error: the caller names the file.
func errTextOS(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func keyProblemFinding(origin string, p spec.KeyProblem, detail string) finding {
	f := finding{sev: sevFail, area: "keys"}
	at := fmt.Sprintf("%s: line %d", origin, p.Line)
	whole := origin + ": " + spec.KeyProblemText(p.Kind)
	if detail != "" {
		whole += ": " + detail
	}
	switch p.Kind {
	case spec.NoSuchFile:
		f.msg, f.hint = whole, "SOPS_AGE_KEY_FILE must name the file age-keygen wrote (absolute, or relative to the current directory); to pass the key itself, use SOPS_AGE_KEY"
	case spec.NotAFile:
		f.msg, f.hint = whole, "name the key file itself, e.g. SOPS_AGE_KEY_FILE=$HOME/.config/sops/age/keys.txt"
	case spec.TooLarge:
		f.msg, f.hint = whole, "a key file holds a few lines; check that the variable names the right file"
	case spec.Unreadable:
		f.msg, f.hint = whole, "make the file readable by this user (chmod 600, owned by the user that runs workato-gitops)"
	case spec.CommandFailed, spec.CommandNotRun:
		f.msg, f.hint = whole, "the command must print the key on its standard output; run it yourself to see why it fails"
	case spec.SSHPassphrase:
		f.msg, f.hint = whole, "use an SSH key without a passphrase for SOPS, or print the decrypted key with SOPS_AGE_SSH_PRIVATE_KEY_CMD"
	case spec.SSHMalformed:
		f.msg, f.hint = whole, "name an ed25519 or RSA private key in OpenSSH or PEM form (the file without .pub)"
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

// doctorNoIdentity reports the absence of any age identity, when a file
// needs one.
func doctorNoIdentity(r *doctorReport, origin map[string]string, files []spec.FileReport) {
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

// doctorFiles reports each encrypted file: its recipients and whether a
// key here opens it.
func doctorFiles(r *doctorReport, files []spec.FileReport, origin map[string]string) {
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

// doctorConfig loads the manifests as validate does and reports the
// config and the validation.
func doctorConfig(r *doctorReport, dir string, keys spec.Keys, files []spec.FileReport) *spec.Repo {
	repo, err := spec.Load(dir, spec.Options{Schemas: schemaFS, Keys: spec.UsableKeys(keys)})
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
	doctorFingerprintKey(r, repo, files)
	r.ok("config", "guards: at most %d deletes per tenant, %d in all; parallelism %d", cfg.Guards.MaxDeletesPerTenant, cfg.Guards.MaxDeletesTotal, cfg.Parallelism)
	switch {
	case len(other) > 0:
		r.add(finding{sev: sevFail, area: "manifests", msg: fmt.Sprintf("%s; %s valid", plural(len(other), "problem"), plural(len(repo.Tenants), "tenant")),
			details: firstDiags(other), hint: "run 'workato-gitops validate " + dir + "' for the whole list; every problem names its file, line and field"})
	case sopsShown > 0:
		r.add(finding{sev: sevWarn, area: "manifests", msg: fmt.Sprintf("%s valid; files that do not open here were not checked", plural(len(repo.Tenants), "tenant")),
			hint: "fix the keys above, then run doctor again"})
	default:
		r.ok("manifests", "%s valid in %s", plural(len(repo.Tenants), "tenant"), plural(len(repo.Files), "file"))
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

// doctorFingerprintKey checks the key plan and apply fingerprint inputs
// with: needed as soon as one connection has input.
func doctorFingerprintKey(r *doctorReport, repo *spec.Repo, files []spec.FileReport) {
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
