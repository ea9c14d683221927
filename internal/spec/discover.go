package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Repository discovery, as git finds its .git. The rule:
//
//  1. The nearest directory at or above the one named that holds
//     workato-gitops.yaml is the repository. The walk up stops at the
//     first directory holding .git (the Git repository's top), so a stray
//     file above it is never used.
//  2. When there is none, but directories below the one named hold a
//     workato-gitops.yaml, the directory named is not a repository: it
//     would mix theirs. FindRepository refuses, naming them.
//  3. When there is none above or below, the directory named is a
//     repository without a config (the config is optional).
//
// A workato-gitops.yaml below a repository's own is a nested repository;
// the loader refuses it (unless ignored), naming it.

// maxDiscoverEntries bounds the walk below a directory with no config.
const maxDiscoverEntries = 200_000

// A NotRepositoryError is rule 2: Candidates are the directories below
// Dir (relative to it, slash-separated, sorted) that hold a config.
type NotRepositoryError struct {
	Dir        string
	Candidates []string
}

func (e *NotRepositoryError) Error() string {
	shown := e.Candidates
	if len(shown) > 5 {
		shown = shown[:5]
	}
	msg := fmt.Sprintf("%s is not a workato-gitops repository (no %s here or above), but %s below it", e.Dir, ConfigFile, plural(len(e.Candidates), "directory", "directories"))
	verb := " hold one: "
	if len(e.Candidates) == 1 {
		verb = " holds one: "
	}
	msg += verb + strings.Join(shown, ", ")
	if len(e.Candidates) > len(shown) {
		msg += fmt.Sprintf(" and %d more", len(e.Candidates)-len(shown))
	}
	return msg
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// FindRepository returns the repository directory for dir, in the
// caller's terms (dir itself, or dir joined with "..", so that paths in
// reports stay relative when dir is), and whether it was found above dir.
func FindRepository(dir string) (string, bool, error) {
	abs, err := resolveRoot(dir)
	if err != nil {
		return "", false, err
	}
	up := ""
	for cur := abs; ; {
		if isFile(filepath.Join(cur, ConfigFile)) {
			if up == "" {
				return dir, false, nil
			}
			return filepath.Clean(filepath.Join(dir, up)), true, nil
		}
		parent := filepath.Dir(cur)
		if parent == cur || exists(filepath.Join(cur, ".git")) {
			break
		}
		cur, up = parent, filepath.Join(up, "..")
	}
	below, err := configsBelow(abs)
	if err != nil {
		return "", false, err
	}
	if len(below) > 0 {
		return "", false, &NotRepositoryError{Dir: dir, Candidates: below}
	}
	return dir, false, nil
}

// ConfigAround is the config of the repository dir is in (see
// FindRepository), when there is one and it loads; else the defaults. It
// decrypts nothing: it serves commands that only need the config's
// choices (which API), outside any repository as well as inside one.
func ConfigAround(dir string, schemas fs.FS) Config {
	root, _, err := FindRepository(dir)
	if err != nil {
		return Config{}
	}
	repo, err := Load(root, Options{Schemas: schemas, SkipDecrypt: true})
	if err != nil || repo == nil {
		return Config{}
	}
	return repo.Config
}

// configsBelow lists the directories below root that hold a config,
// skipping hidden directories as the loader does.
func configsBelow(root string) ([]string, error) {
	var out []string
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable parts are the loader's to report
		}
		if n++; n > maxDiscoverEntries {
			return fs.SkipAll
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && d.Name() == ConfigFile && filepath.Dir(p) != root {
			rel, _ := filepath.Rel(root, filepath.Dir(p))
			out = append(out, filepath.ToSlash(rel))
			return filepath.SkipDir // a nested one below it is its own business
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.SkipAll) {
		return nil, err
	}
	sort.Strings(out)
	return out, nil
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// SchemaRef is the yaml-language-server $schema reference for manifests
// written in dir: the path, relative to dir, of the nearest
// schemas/tenant.schema.json at or above it (up to the Git repository's
// top), which editors open without a network; ok is false when there is
// none.
func SchemaRef(dir string) (string, bool) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	for cur := abs; ; {
		p := filepath.Join(cur, "schemas", "tenant.schema.json")
		if isFile(p) {
			rel, err := filepath.Rel(abs, p)
			if err != nil {
				return "", false
			}
			return filepath.ToSlash(rel), true
		}
		parent := filepath.Dir(cur)
		if parent == cur || exists(filepath.Join(cur, ".git")) {
			return "", false
		}
		cur = parent
	}
}
