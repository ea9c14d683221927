package apply

import (
	"fmt"
	"sync"

	"github.com/workato-gitops/workato-gitops/internal/pkgzip"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// Packages builds each package source once, however many tenants use it,
// and remembers the canonical zip for the import.
type Packages struct {
	mu    sync.Mutex
	built map[string]*pkgzip.Package // by absolute source path
}

// Get returns the canonical package for a source.
func (p *Packages) Get(pkg spec.Package) (*pkgzip.Package, error) {
	b, err := p.build(pkg.Source)
	if err != nil {
		return nil, fmt.Errorf("%s: package %q: %w", pkg.Pos, pkg.Name, err)
	}
	return b, nil
}

func (p *Packages) build(source string) (*pkgzip.Package, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if b, ok := p.built[source]; ok {
		return b, nil
	}
	b, err := pkgzip.Build(source)
	if err != nil {
		return nil, err
	}
	if p.built == nil {
		p.built = map[string]*pkgzip.Package{}
	}
	p.built[source] = b
	return b, nil
}

// Check builds every package the tenants use, each source once, and
// reports every one that plan would refuse, at the manifest line that
// names it, so that validate (the check a fork's pull request gets) runs
// the same package checks as plan.
func (p *Packages) Check(tenants []*spec.Tenant) spec.Diagnostics {
	var ds spec.Diagnostics
	seen := map[string]bool{}
	for _, t := range tenants {
		for _, pkg := range t.Packages {
			if seen[pkg.Source] {
				continue
			}
			seen[pkg.Source] = true
			if _, err := p.build(pkg.Source); err != nil {
				ds = append(ds, pkg.Pos.Diag("source", "package %q: %v", pkg.Name, err))
			}
		}
	}
	return ds
}

// Digests returns the digest of every package of a tenant, by name.
func (p *Packages) Digests(t *spec.Tenant) (map[string]string, error) {
	out := map[string]string{}
	for _, pkg := range t.Packages {
		b, err := p.Get(pkg)
		if err != nil {
			return nil, err
		}
		out[pkg.Name] = b.Digest
	}
	return out, nil
}
