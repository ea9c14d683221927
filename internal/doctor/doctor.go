// Package doctor explains, one finding at a time, what keeps the tool from
// working in a repository: the age keys at hand, the SOPS recipients of
// each encrypted file, the config and the manifests, the API target and
// token, and what the token may do. It owns the checks and their wording;
// package main hands it the environment's values and SOPS (it does not
// link SOPS itself), and maps the count of failures to the exit code. No
// finding holds key material, a token or a decrypted value.
package doctor

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/target"
)

// Options is what doctor checks, and with what.
type Options struct {
	Dir     string
	Offline bool          // no API calls
	Tenant  string        // whose customer the per-customer API checks read; "" picks one
	Timeout time.Duration // per API call
	Schemas fs.FS
	Keys    KeyEnv
	API     target.Env
	// UserAgent is sent with every API call.
	UserAgent string
	// SOPS opens encrypted files with the keys given (its Inspector is
	// used only when it returns no error): package main hands in
	// internal/sopsfile's NewInspector, so that doctor and its tests do not link
	// SOPS and its cloud KMS SDKs. Required.
	SOPS func(spec.Keys) (spec.Inspector, error)
}

// KeyEnv is where keys may come from: spec's collector, shared with
// decryption, reads every source SOPS reads.
type KeyEnv = spec.KeyEnv

// Counts is how many findings were OK, WARN and FAIL.
type Counts struct{ OK, Warn, Fail int }

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
type report struct {
	w      io.Writer
	counts [3]int
}

func (r *report) add(f finding) {
	r.counts[f.sev]++
	fmt.Fprintf(r.w, "%-4s  %s: %s\n", severityLabel[f.sev], f.area, f.msg)
	for _, d := range f.details {
		fmt.Fprintf(r.w, "      %s\n", d)
	}
	if f.hint != "" {
		fmt.Fprintf(r.w, "      hint: %s\n", f.hint)
	}
}

func (r *report) ok(area, format string, args ...any) {
	r.add(finding{sev: sevOK, area: area, msg: fmt.Sprintf(format, args...)})
}

// Run checks everything, writes each finding to w as it is made, and ends
// with a summary line.
func Run(ctx context.Context, w io.Writer, o Options) Counts {
	r := &report{w: w}
	defer func() {
		fmt.Fprintf(w, "\n%d OK, %d WARN, %d FAIL\n", r.counts[sevOK], r.counts[sevWarn], r.counts[sevFail])
	}()
	keys, idOrigin := checkKeys(r, o.Keys)
	// Every identity that parses, even when other lines of its source do
	// not: one bad line must not hide the good ones from the diagnosis.
	sf, err := o.SOPS(spec.UsableKeys(keys))
	var files []spec.FileReport
	if err == nil {
		files, err = spec.Inspect(o.Dir, spec.Options{Schemas: o.Schemas}, sf)
	}
	if err != nil {
		// The directory itself is unreadable: nothing else can be checked.
		r.add(finding{sev: sevFail, area: "manifests", msg: err.Error(), hint: "name the directory that holds your manifests and workato-gitops.yaml: workato-gitops doctor DIR"})
		return r.total()
	}
	checkNoIdentity(r, idOrigin, files)
	checkFiles(r, files, idOrigin)
	repo := checkConfig(r, o, sf, files)
	if o.Offline {
		fmt.Fprintln(r.w, "note: API checks skipped (--offline)")
	} else {
		checkAPI(ctx, r, o, repo)
	}
	return r.total()
}

func (r *report) total() Counts {
	return Counts{OK: r.counts[sevOK], Warn: r.counts[sevWarn], Fail: r.counts[sevFail]}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
