package export

import (
	"bytes"
	"context"
	"io"
	"sync"

	"github.com/workato-gitops/workato-gitops/internal/atomicfile"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// Result is what became of one job: the tenant written, or why not.
type Result struct {
	Job    Job
	Tenant *Tenant
	Err    error
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
