package export

import (
	"bytes"
	"context"
	"io"
	"sync"

	"github.com/workato-gitops/workato-gitops/internal/atomicfile"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// Result is what became of one job: the tenant written, or why not.
type Result struct {
	Job    Job
	Tenant *Tenant
	Err    error
}

// Options are an export's choices, as its flags give them.
type Options struct {
	All         bool     // every customer of the account
	Tenants     []string // else these, by external id or numeric id
	Out         string   // the directory the manifests go to
	Force       bool     // overwrite manifests that exist
	SchemaURL   string   // for the yaml-language-server line
	Parallelism int      // workspaces read at once; 0: the repository's, else 8
}

// Run exports: it finds the customers, names their manifests (notes say
// which were skipped, and why), then reads and writes each workspace.
func Run(ctx context.Context, c *workato.Client, repo *spec.Repo, o Options) (results []Result, notes []string, err error) {
	custs, err := Customers(ctx, c, o.All, o.Tenants)
	if err != nil {
		return nil, nil, err
	}
	jobs, notes, err := Jobs(custs, repo, o.Out, o.All, o.Force)
	if err != nil || len(jobs) == 0 {
		return nil, notes, err
	}
	n := o.Parallelism
	if n <= 0 {
		n = repo.Config.Parallelism
	}
	return Write(ctx, &Reader{Client: c}, jobs, n, o.SchemaURL), notes, nil
}

// Write reads the jobs' workspaces, n at a time, and writes each manifest
// atomically as soon as it is read. A workspace that fails does not stop
// the others. Results keep the order of jobs.
func Write(ctx context.Context, r *Reader, jobs []Job, n int, schemaURL string) []Result {
	if n <= 0 {
		n = spec.DefaultParallelism
	}
	out := make([]Result, len(jobs))
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			t, err := r.Tenant(ctx, j.Customer, j.Name)
			if err == nil {
				var buf bytes.Buffer
				if err = Render(&buf, t, schemaURL); err == nil {
					err = atomicfile.Write(j.Path, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err })
				}
			}
			out[i] = Result{Job: j, Tenant: t, Err: err}
		})
	}
	wg.Wait()
	return out
}
