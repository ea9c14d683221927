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
	p.mu.Lock()
	defer p.mu.Unlock()
	if b, ok := p.built[pkg.Source]; ok {
		return b, nil
	}
	b, err := pkgzip.Build(pkg.Source)
	if err != nil {
		return nil, fmt.Errorf("%s: package %q: %w", pkg.Pos, pkg.Name, err)
	}
	if p.built == nil {
		p.built = map[string]*pkgzip.Package{}
	}
	p.built[pkg.Source] = b
	return b, nil
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
