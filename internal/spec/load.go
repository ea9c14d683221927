package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// ConfigFile is the name of the repository configuration, at the top of the
// manifest directory.
const ConfigFile = "workato-gitops.yaml"

// DefaultMaxFileSize bounds every manifest read: real ones are a few KiB.
const DefaultMaxFileSize = 4 << 20

// Options control Load.
type Options struct {
	Schemas fs.FS // holds tenant.schema.json and config.schema.json
	// Decrypter opens encrypted files (internal/sopsfile, with the keys).
	// Plaintext files need none; an encrypted file loaded without one or
	// SkipDecrypt is reported as a problem.
	Decrypter   Decrypter
	SkipDecrypt bool  // check structure only; Input stays nil
	MaxFileSize int64 // 0 means DefaultMaxFileSize
}

// Load reads every manifest below dir, validates, decrypts and merges them.
// Problems with the manifests come back as Diagnostics (all of them, sorted)
// together with whatever could be loaded; any other error means nothing was
// loaded.
func Load(dir string, opts Options) (*Repo, error) {
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
	l := &loader{dir: dir, root: root, opts: opts, schemas: schemas}
	return l.load()
}

// resolveRoot checks that dir is a directory and returns its absolute
// path with symlinks resolved: what "inside the repository" is measured by.
func resolveRoot(dir string) (string, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("manifest directory: %w", err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("manifest directory: %s is not a directory", dir)
	}
	root, err := filepath.Abs(dir)
	if err == nil {
		root, err = filepath.EvalSymlinks(root)
	}
	if err != nil {
		return "", fmt.Errorf("manifest directory: %w", err)
	}
	return root, nil
}

type loader struct {
	dir, root string
	opts      Options
	schemas   *schemaSet
	diags     Diagnostics
}

func (l *loader) display(rel string) string { return filepath.Join(l.dir, filepath.FromSlash(rel)) }

func (l *loader) load() (*Repo, error) {
	repo := &Repo{Dir: l.dir}
	cfg, cfgFile := l.loadConfig()
	repo.Config = cfg
	if cfgFile != nil {
		repo.Files = append(repo.Files, *cfgFile)
	}
	rels, err := l.find(cfg.Ignore)
	if err != nil {
		return nil, err
	}
	manifests := l.loadFiles(rels)
	for _, m := range manifests {
		if m != nil {
			repo.Files = append(repo.Files, m.digest)
		}
	}
	slices.SortFunc(repo.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	repo.Tenants = l.resolve(manifests)
	l.checkCanaries(repo)
	if len(l.diags) > 0 {
		l.diags.sort()
		return repo, l.diags.dedupe()
	}
	return repo, nil
}

// find lists the manifest files below the directory, slash-separated and
// relative to it, in lexical order. Hidden files and directories (.git,
// .github, .sops.yaml) and ignored paths are skipped; a symbolic link that
// leads out of the repository is an error, one that stays inside is skipped
// because its target is read in its own place.
func (l *loader) find(ignore []string) ([]string, error) {
	var rels []string
	err := filepath.WalkDir(l.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			l.diags = append(l.diags, Diagnostic{File: p, Message: "cannot read: " + errText(err)})
			return nil
		}
		rel, _ := filepath.Rel(l.dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") || ignored(rel, ignore) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() && isFile(filepath.Join(p, ConfigFile)) {
			// A nested repository: mixing its tenants and config with
			// this one's would be a guess (see FindRepository).
			l.diags = append(l.diags, Diagnostic{File: l.display(rel + "/" + ConfigFile), Message: "a nested repository: this directory holds its own " + ConfigFile + "; run workato-gitops on it separately, or list it under ignore in the config above"})
			return filepath.SkipDir
		}
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := filepath.EvalSymlinks(p)
			if err != nil {
				if isManifestName(rel) {
					l.diags = append(l.diags, Diagnostic{File: p, Message: "broken symbolic link"})
				}
				return nil
			}
			if !within(l.root, target) {
				l.diags = append(l.diags, Diagnostic{File: p, Message: "symbolic link leads outside the repository"})
			}
			return nil
		}
		if !isManifestName(rel) || rel == ConfigFile || rel == "workato-gitops.yml" || d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			l.diags = append(l.diags, Diagnostic{File: p, Message: errNotRegular.Error()})
			return nil
		}
		rels = append(rels, rel)
		return nil
	})
	return rels, err
}

func isManifestName(rel string) bool {
	ext := strings.ToLower(path.Ext(rel))
	return ext == ".yaml" || ext == ".yml"
}

// ignored reports whether rel matches a pattern, or lies in a directory
// that does.
func ignored(rel string, patterns []string) bool {
	for _, pat := range patterns {
		pat = strings.TrimSuffix(pat, "/")
		for p := rel; p != "."; p = path.Dir(p) {
			if ok, _ := path.Match(pat, p); ok {
				return true
			}
		}
	}
	return false
}

// loadFiles processes the files in parallel; results keep the input order
// so that output never depends on scheduling.
func (l *loader) loadFiles(rels []string) []*manifest {
	out := make([]*manifest, len(rels))
	diags := make([]Diagnostics, len(rels))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), max(len(rels), 1)) {
		wg.Go(func() {
			for i := range next {
				out[i], diags[i] = l.loadManifest(rels[i])
			}
		})
	}
	for i := range rels {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, ds := range diags {
		l.diags = append(l.diags, ds...)
	}
	return out
}

// loadManifest reads one file and processes it.
func (l *loader) loadManifest(rel string) (*manifest, Diagnostics) {
	data, err := readLimited(filepath.Join(l.dir, filepath.FromSlash(rel)), l.opts.MaxFileSize)
	if err != nil {
		return nil, Diagnostics{{File: l.display(rel), Message: errText(err)}}
	}
	return l.processManifest(rel, data)
}

// processManifest validates, decrypts and decodes one file. A file with any
// problem yields no manifest, so that nothing is applied from it. Nothing
// in it may panic on any input; a panic would be a bug, reported as one.
func (l *loader) processManifest(rel string, data []byte) (m *manifest, ds Diagnostics) {
	file := l.display(rel)
	var scrub scrubber
	defer func() {
		if r := recover(); r != nil {
			m, ds = nil, Diagnostics{{File: file, Message: "internal error while loading this file; please report it"}}
		}
		for i := range ds {
			ds[i].Message = scrub.scrub(ds[i].Message)
		}
	}()
	doc, ds := parseDocument(file, data)
	if ds != nil {
		return nil, ds
	}
	// Encryption first: a value encrypted where it should not be would
	// otherwise surface as a confusing schema error.
	meta, _ := doc.value["metadata"].(map[string]any)
	allowPlain, _ := meta["allowPlaintextInput"].(bool)
	if ds := checkEncryption(doc, allowPlain, "", "encrypt it with `workato-gitops encrypt FILE` (the rules of .sops.yaml, see docs/manifest.md), or set metadata.allowPlaintextInput: true for a throw-away tenant"); ds != nil {
		return nil, ds
	}
	if ds := validate(l.schemas.tenant, doc); ds != nil {
		return nil, ds
	}
	_, hasSops := doc.value["sops"]
	var inputs map[string]Secret
	if hasSops && !l.opts.SkipDecrypt {
		leaves, err := decrypt(l.opts.Decrypter, doc, data, func(ptr string) bool { return inputValuePtr.MatchString(ptr) })
		if err != nil {
			var p *DecryptProblem
			if errors.As(err, &p) {
				return nil, Diagnostics{problemDiag(doc, p)}
			}
			return nil, Diagnostics{{File: file, Message: errText(err)}}
		}
		inputs = leaves
		for _, s := range inputs {
			scrub.add(s)
		}
	}
	m, err := decodeManifest(doc, rel, inputs, !hasSops)
	if err != nil {
		return nil, Diagnostics{{File: file, Message: "cannot decode: " + errText(err)}}
	}
	m.digest = digest(rel, data)
	if ds := resolvePackageSources(m, filepath.Join(l.root, filepath.FromSlash(rel)), l.root); ds != nil {
		return nil, ds
	}
	return m, nil
}

// errText strips the Go-internal prefixes from an OS error.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}
