package main

import (
	"context"
	"fmt"

	"github.com/workato-gitops/workato-gitops/internal/scope"
	"github.com/workato-gitops/workato-gitops/internal/spec"
)

// changedScope narrows tenants (already selected by --tenant) to those the
// change since ref affects, and says on stderr what it did.
func changedScope(ctx context.Context, e env, repo *spec.Repo, tenants []*spec.Tenant, ref string) ([]*spec.Tenant, error) {
	d, err := scope.Changes(ctx, scope.ExecGit{}, repo.Dir, ref)
	if err != nil {
		return nil, &hinted{err: fmt.Errorf("--changed-since: %w", err),
			hint: "REF must be a commit in this clone, e.g. the pull request's base branch; in CI check out with fetch-depth: 0"}
	}
	res := scope.Affected(repo, d.Root, d.ManifestDir, d.Changes)
	out := res.Filter(tenants)
	why := ""
	if res.All {
		why = " (the repository config changed)"
	}
	of := fmt.Sprint(len(tenants))
	if len(tenants) != len(repo.Tenants) {
		of += " selected by --tenant"
	}
	fmt.Fprintf(e.stderr, "workato-gitops: --changed-since %s (merge base %s): %d of %s tenants affected%s\n",
		ref, scope.Short(d.Base), len(out), of, why)
	for _, p := range res.Deleted {
		fmt.Fprintf(e.stderr, "workato-gitops: note: %s was deleted; nothing plans a tenant that is no longer declared, and workato-gitops never deletes a workspace: its customer is left as it is\n", p)
	}
	return out, nil
}
