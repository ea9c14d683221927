package scope

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// Git runs git with args in dir and returns its standard output; an
// error carries what git said on standard error.
type Git interface {
	Run(ctx context.Context, dir string, args ...string) ([]byte, error)
}

// Diff is what changed since a ref, as Changes found it.
type Diff struct {
	Root        string // the repository root, absolute, symbolic links resolved
	ManifestDir string // the manifest directory below Root, slash-separated ("." for Root)
	Base        string // the merge base of the ref and HEAD
	Changes     []Change
}

// Changes lists what changed in the repository holding manifestDir since
// ref, as a pull request shows it: from the merge base of ref and HEAD
// (git diff REF...HEAD) to the working tree, so that uncommitted and
// untracked files count too and a local run never leaves out a tenant
// being edited. Renames count as a deletion and an addition.
func Changes(ctx context.Context, g Git, manifestDir, ref string) (*Diff, error) {
	abs, err := filepath.Abs(manifestDir)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return nil, fmt.Errorf("manifest directory: %w", err)
	}
	top, err := g.Run(ctx, abs, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("%s is not in a git repository: %w", manifestDir, err)
	}
	root, err := filepath.EvalSymlinks(strings.TrimSpace(string(top)))
	if err != nil {
		return nil, fmt.Errorf("git repository root: %w", err)
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("%s is not inside the git repository %s", manifestDir, root)
	}
	d := &Diff{Root: root, ManifestDir: filepath.ToSlash(rel)}
	if strings.HasPrefix(ref, "-") {
		return nil, fmt.Errorf("%q is not a commit", ref)
	}
	if _, err := g.Run(ctx, root, "rev-parse", "--verify", "--quiet", ref+"^{commit}"); err != nil {
		return nil, fmt.Errorf("%q is not a commit in this repository", ref)
	}
	base, err := g.Run(ctx, root, "merge-base", ref, "HEAD")
	if err != nil {
		return nil, fmt.Errorf("%q and HEAD have no merge base (a shallow clone?): %w", ref, err)
	}
	d.Base = strings.TrimSpace(string(base))
	diff, err := g.Run(ctx, root, "diff", "--name-status", "-z", "--no-renames", "--no-relative", d.Base, "--")
	if err != nil {
		return nil, fmt.Errorf("git diff: %w", err)
	}
	if d.Changes, err = parseNameStatus(diff); err != nil {
		return nil, err
	}
	untracked, err := g.Run(ctx, root, "ls-files", "-z", "--others", "--exclude-standard")
	if err != nil {
		return nil, fmt.Errorf("git ls-files: %w", err)
	}
	for _, p := range bytes.Split(untracked, []byte{0}) {
		if len(p) > 0 {
			d.Changes = append(d.Changes, Change{Path: string(p)})
		}
	}
	sort.Slice(d.Changes, func(i, j int) bool { return d.Changes[i].Path < d.Changes[j].Path })
	return d, nil
}

// parseNameStatus reads `git diff --name-status -z --no-renames`: a
// status, then a path, each NUL-terminated.
func parseNameStatus(out []byte) ([]Change, error) {
	fields := bytes.Split(bytes.TrimSuffix(out, []byte{0}), []byte{0})
	if len(out) == 0 {
		return nil, nil
	}
	if len(fields)%2 != 0 {
		return nil, fmt.Errorf("git diff: unexpected output (%d fields)", len(fields))
	}
	var changes []Change
	for i := 0; i < len(fields); i += 2 {
		status, p := string(fields[i]), string(fields[i+1])
		if status == "" || p == "" {
			return nil, fmt.Errorf("git diff: unexpected output (empty status or path)")
		}
		changes = append(changes, Change{Path: p, Deleted: status[0] == 'D'})
	}
	return changes, nil
}
