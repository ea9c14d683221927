package spec

import (
	"bufio"
	"bytes"
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"filippo.io/age"
	"github.com/getsops/sops/v3"
	sopsyaml "github.com/getsops/sops/v3/stores/yaml"
)

// This file explains keys and encrypted files for `workato-gitops doctor`:
// which recipients each file has, whether a key given here opens it, and,
// when not, why. Like the rest of the package it never returns key
// material: only origins, line numbers and public keys (recipients).

// KeyReport describes one key source: what it holds, or why it could not
// be used.
type KeyReport struct {
	Origin string
	Kind   KeyKind
	// Read is whether the source was there and could be read.
	Read bool
	// Explicit sources are named by a variable; defaults are not.
	Explicit bool
	// Detail is the reason a source could not be read (an OS error
	// without the path, or a command's failure); never key material.
	Detail string
	// PublicKeys are the recipients (public keys) of the identities the
	// source holds, in file order. Public keys are not secret.
	PublicKeys []string
	// Problems are the lines that are not age identities, or why the
	// whole source is unusable (SourceUnset for one that is not there).
	Problems []KeyProblem
}

// KeyProblemKind says what a line that is not an identity looks like.
type KeyProblemKind int

const (
	// NotIdentity is any other line.
	NotIdentity KeyProblemKind = iota
	// PublicKeyLine is an age public key (age1...): a recipient pasted
	// where the secret key was expected.
	PublicKeyLine
	// BadSecretKey starts like an age secret key but does not parse:
	// truncated or mistyped.
	BadSecretKey
	// PluginIdentity is an age plugin identity, which SOPS cannot use here.
	PluginIdentity
	// PGPBlock is an armored PGP block: a PGP key in an age key file.
	PGPBlock
	// NoIdentity means the source holds no line that is not a comment.
	NoIdentity
)

// KeyProblem is one line of a key source that is not an age identity.
type KeyProblem struct {
	Line int // 1-based; 0 for NoIdentity
	Kind KeyProblemKind
}

// InspectKeys reports, source by source, which identities each holds and
// which lines are not identities. Unlike ParseAgeIdentities it does not
// stop at the first bad line.
func InspectKeys(sources []KeySource) []KeyReport {
	out := make([]KeyReport, len(sources))
	for i, src := range sources {
		out[i] = inspectKeySource(src, nil)
	}
	return out
}

// inspectKeySource parses one source; good, when not nil, receives each
// line that is an identity, so that a decryptor can be built from the
// usable lines alone.
func inspectKeySource(src KeySource, good *bytes.Buffer) KeyReport {
	r := KeyReport{Origin: src.Origin}
	sc := bufio.NewScanner(bytes.NewReader(src.Data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n, lines := 0, 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		lines++
		ids, err := age.ParseIdentities(strings.NewReader(line))
		if err != nil || len(ids) != 1 {
			r.Problems = append(r.Problems, KeyProblem{Line: n, Kind: classifyKeyLine(line)})
			continue
		}
		r.PublicKeys = append(r.PublicKeys, publicKey(ids[0]))
		if good != nil {
			good.WriteString(line)
			good.WriteByte('\n')
		}
	}
	if sc.Err() != nil {
		r.Problems = append(r.Problems, KeyProblem{Line: n + 1, Kind: NotIdentity})
	} else if lines == 0 {
		r.Problems = append(r.Problems, KeyProblem{Kind: NoIdentity})
	}
	return r
}

func classifyKeyLine(line string) KeyProblemKind {
	upper := strings.ToUpper(line)
	switch {
	case strings.HasPrefix(line, "age1"):
		return PublicKeyLine
	case strings.HasPrefix(upper, "AGE-SECRET-KEY-"):
		return BadSecretKey
	case strings.HasPrefix(upper, "AGE-PLUGIN-"):
		return PluginIdentity
	case strings.HasPrefix(line, "-----BEGIN PGP"):
		return PGPBlock
	}
	return NotIdentity
}

func publicKey(id age.Identity) string {
	switch x := id.(type) {
	case *age.X25519Identity:
		return x.Recipient().String()
	case *age.HybridIdentity:
		return x.Recipient().String()
	case sshIdentity:
		return x.pub
	}
	return "(an age identity of an unknown type)"
}

// UsableKeys keeps only the lines of keys that are age identities, and the
// SSH keys that parse, so that one bad line does not hide the good ones
// from a diagnosis.
func UsableKeys(keys Keys) Keys {
	var good bytes.Buffer
	for _, src := range keys.Age {
		inspectKeySource(src, &good)
	}
	var out Keys
	if good.Len() > 0 {
		out.Age = []KeySource{{Origin: "usable age identities", Data: good.Bytes()}}
	}
	for _, src := range keys.SSH {
		if _, p := inspectSSHKey(src.Data); p == 0 {
			out.SSH = append(out.SSH, src)
		}
	}
	return out
}

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
// of the config below dir, and whether the keys in opts open it. Unlike
// Load, it uses every identity that parses even when other lines of the
// same source do not. An error means the directory could not be read.
func Inspect(dir string, opts Options) ([]FileReport, error) {
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
	dec, err := newDecryptor(UsableKeys(opts.Keys))
	if err != nil {
		return nil, err
	}
	ours := map[string]bool{}
	for _, id := range dec.ages {
		ours[recipientKey(publicKey(id))] = true
	}
	// The config is read only for its ignore list; its problems are
	// Load's to report.
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
				out[i] = inspectFile(l, dec, ours, rels[i])
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
func inspectFile(l *loader, dec *decryptor, ours map[string]bool, rel string) (r FileReport) {
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
	tree, err := (&sopsyaml.Store{}).LoadEncryptedFile(data)
	if err != nil {
		r.Verdict, r.Problem = Damaged, Diagnostic{File: file, Line: doc.keyLine("/sops"), Field: "sops", Message: "invalid sops metadata: " + oneLine(err.Error())}
		return r
	}
	r.Recipients = recipients(tree.Metadata)
	for _, rc := range r.Recipients {
		if rc.Type == "age" && ours[recipientKey(rc.ID)] {
			r.Ours = append(r.Ours, rc.ID)
		}
	}
	// The data key first, on its own, so that "no key here" is told apart
	// from a file that opens but does not verify.
	if _, err := tree.Metadata.GetDataKeyWithKeyServices(dec.svcs, []string{"age"}); err != nil {
		r.Verdict = NoKey
		return r
	}
	if _, err := dec.decrypt(doc, data, func(string) bool { return false }); err != nil {
		r.Verdict = Damaged
		var p *decryptProblem
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

func recipients(md sops.Metadata) []Recipient {
	var out []Recipient
	for _, g := range md.KeyGroups {
		for _, k := range g {
			out = append(out, Recipient{Type: k.TypeToIdentifier(), ID: k.ToString()})
		}
	}
	return out
}
