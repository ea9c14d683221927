package spec

import (
	"errors"
	"path/filepath"
	"runtime"
	"sync"
)

// This file explains encrypted files for `workato-gitops doctor`: which
// recipients each file has, whether a key given here opens it, and, when
// not, why. SOPS itself is reached through the Inspector interface.

// Recipient is one key a SOPS file is encrypted to.
type Recipient struct {
	Type string // as SOPS names it: age, pgp, kms, gcp_kms, azure_kv, hc_vault, ...
	ID   string // the age public key, PGP fingerprint, KMS ARN, ...
}

func (r Recipient) String() string { return r.Type + " " + r.ID }

// Verdict is whether a file opens with the keys given here.
type Verdict int

const (
	// NotEncrypted files carry no SOPS metadata.
	NotEncrypted Verdict = iota
	// Opened files gave up their data key and their MAC verified.
	Opened
	// NoKey files have no recipient whose key is available here.
	NoKey
	// Damaged files opened but do not verify: tampered values or MAC,
	// broken SOPS metadata, or YAML that does not parse.
	Damaged
)

// FileReport is what Inspect found about one file.
type FileReport struct {
	Path       string // the directory as the caller named it, joined with the file's path
	Config     bool   // the repository config, workato-gitops.yaml
	Verdict    Verdict
	Recipients []Recipient
	// Ours are the public keys of the identities given that are among
	// the file's age recipients.
	Ours []string
	// Problem says why a Damaged file does not verify, or why a
	// NotEncrypted one could not be read or parsed at all.
	Problem Diagnostic
}

// Inspect reports, file by file, the SOPS recipients of every manifest and
// of the config below dir, and whether the keys of sf open it. Build sf
// from UsableKeys to use every identity that parses even when other lines
// of the same source do not. opts.Decrypter and opts.SkipDecrypt are not
// used. An error means the directory could not be read.
func Inspect(dir string, opts Options, sf Inspector) ([]FileReport, error) {
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	schemas, err := compileSchemas(opts.Schemas)
	if err != nil {
		return nil, err
	}
	root, err := resolveRoot(dir)
	if err != nil {
		return nil, err
	}
	ours := map[string]bool{}
	for _, pk := range sf.PublicKeys() {
		ours[recipientKey(pk)] = true
	}
	// The config is read only for its ignore list; its problems are
	// Load's to report.
	opts.SkipDecrypt = true // the fingerprint key is not Inspect's business
	l := &loader{dir: dir, root: root, opts: opts, schemas: schemas}
	cfg, cfgFile := l.loadConfig()
	rels, err := l.find(cfg.Ignore)
	if err != nil {
		return nil, err
	}
	var cfgRel string
	if cfgFile != nil {
		cfgRel = cfgFile.Path
		rels = append([]string{cfgRel}, rels...)
	}
	out := make([]FileReport, len(rels))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), max(len(rels), 1)) {
		wg.Go(func() {
			for i := range next {
				out[i] = inspectFile(l, sf, ours, rels[i])
				out[i].Config = rels[i] == cfgRel
			}
		})
	}
	for i := range rels {
		next <- i
	}
	close(next)
	wg.Wait()
	return out, nil
}

// inspectFile reads one file's recipients and tries to open it.
func inspectFile(l *loader, sf Inspector, ours map[string]bool, rel string) (r FileReport) {
	file := l.display(rel)
	r.Path = file
	defer func() {
		if recover() != nil {
			r.Verdict, r.Problem = Damaged, Diagnostic{File: file, Field: "sops", Message: "sops failed on this file (internal error); it is probably malformed"}
		}
	}()
	data, err := readLimited(filepath.Join(l.dir, filepath.FromSlash(rel)), l.opts.MaxFileSize)
	// A file that cannot be read or parsed is Load's to report; it stays
	// NotEncrypted, with the reason.
	if err != nil {
		r.Problem = Diagnostic{File: file, Message: errText(err)}
		return r
	}
	doc, ds := parseDocument(file, data)
	if ds != nil {
		r.Problem = ds[0]
		return r
	}
	if _, ok := doc.value["sops"]; !ok {
		return r
	}
	recipients, opens, err := sf.Probe(data)
	if err != nil {
		r.Verdict, r.Problem = Damaged, Diagnostic{File: file, Line: doc.keyLine("/sops"), Field: "sops", Message: "invalid sops metadata: " + oneLine(err.Error())}
		return r
	}
	r.Recipients = recipients
	for _, rc := range r.Recipients {
		if rc.Type == "age" && ours[recipientKey(rc.ID)] {
			r.Ours = append(r.Ours, rc.ID)
		}
	}
	// The data key first, on its own, so that "no key here" is told apart
	// from a file that opens but does not verify.
	if !opens {
		r.Verdict = NoKey
		return r
	}
	if _, err := decrypt(sf, doc, data, func(string) bool { return false }); err != nil {
		r.Verdict = Damaged
		var p *DecryptProblem
		if errors.As(err, &p) {
			r.Problem = problemDiag(doc, p)
		} else {
			r.Problem = Diagnostic{File: file, Message: errText(err)}
		}
		return r
	}
	r.Verdict = Opened
	return r
}
