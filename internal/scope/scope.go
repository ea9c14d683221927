// Package scope works out which tenants a change in Git affects, so that
// a pull request plans what it changes rather than the whole fleet.
//
// It owns the mapping from changed paths to tenants (Affected, pure) and
// the questions it asks git (Changes, through a Git runner the caller
// hands in). It must not run processes itself, read the environment or
// print: package main owns all three.
package scope

import (
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// Change is one changed file, relative to the repository root and
// slash-separated.
type Change struct {
	Path    string
	Deleted bool // gone from the working tree
}

// Result is what a change affects.
type Result struct {
	// All is set when the repository config changed: every tenant is
	// affected.
	All bool
	// Tenants maps each affected tenant to the changed paths that affect
	// it, sorted.
	Tenants map[string][]string
	// Deleted lists deleted manifest files (relative to the repository
	// root, sorted). Their tenants are no longer declared: nothing plans
	// them, and their workspaces are left as they are.
	Deleted []string
}

// Affected maps changes to tenants. repo is the loaded manifest
// directory, which is manifestDir below the repository root root (both as
// git reports them: root absolute with symbolic links resolved,
// manifestDir slash-separated, "." for the root itself). A tenant is
// affected when its manifest or a base it extends changed, or a file in a
// package directory (or the package zip) it uses; a change to the
// repository config affects every tenant.
func Affected(repo *spec.Repo, root, manifestDir string, changes []Change) Result {
	res := Result{Tenants: map[string][]string{}}
	inRepo := func(rel string) string { return path.Join(manifestDir, rel) }
	known := map[string]bool{}
	for _, f := range repo.Files {
		known[inRepo(f.Path)] = true
	}
	config := inRepo(spec.ConfigFile)
	changed := map[string]bool{}
	for _, c := range changes {
		changed[c.Path] = true
		switch {
		case c.Path == config:
			res.All = true
		case c.Deleted && !known[c.Path] && isManifest(c.Path) && within(manifestDir, c.Path):
			res.Deleted = append(res.Deleted, c.Path)
		}
	}
	for _, t := range repo.Tenants {
		var why []string
		if res.All {
			why = append(why, config)
		}
		for _, src := range t.Sources {
			if p := inRepo(src); changed[p] {
				why = append(why, p)
			}
		}
		for _, pkg := range t.Packages {
			why = append(why, packageChanges(root, pkg, changes)...)
		}
		if len(why) > 0 {
			res.Tenants[t.Name] = dedupe(why)
		}
	}
	sort.Strings(res.Deleted)
	return res
}

// packageChanges lists the changes inside a package's source: the zip
// itself, or any file below the package directory.
func packageChanges(root string, pkg spec.Package, changes []Change) []string {
	rel, err := filepath.Rel(root, pkg.Source)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil // outside the git repository: git cannot say it changed
	}
	src := filepath.ToSlash(rel)
	var out []string
	for _, c := range changes {
		if c.Path == src || (!pkg.IsZip && within(src, c.Path)) {
			out = append(out, c.Path)
		}
	}
	return out
}

// within reports whether p is dir or below it (slash paths, "." the root).
func within(dir, p string) bool {
	return dir == "." || p == dir || strings.HasPrefix(p, dir+"/")
}

func isManifest(p string) bool {
	ext := strings.ToLower(path.Ext(p))
	return ext == ".yaml" || ext == ".yml"
}

func dedupe(xs []string) []string {
	sort.Strings(xs)
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// Filter keeps the tenants the result affects, in their order.
func (r Result) Filter(tenants []*spec.Tenant) []*spec.Tenant {
	var out []*spec.Tenant
	for _, t := range tenants {
		if _, ok := r.Tenants[t.Name]; ok {
			out = append(out, t)
		}
	}
	return out
}
