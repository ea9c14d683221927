package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/workato-gitops/workato-gitops/internal/pkgzip"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

type packagePullOptions struct {
	workspace        string
	folder           string
	out              string
	force            bool
	includeTags      bool
	timeout          time.Duration
	detailedExitCode bool
	debug            bool
}

func packageCommand(e env) *cli.Command {
	return &cli.Command{
		Name:  "package",
		Usage: "move recipe packages between a development workspace and Git",
		Subcommands: []*cli.Command{
			packagePullCommand(e),
		},
	}
}

func packagePullCommand(e env) *cli.Command {
	return &cli.Command{
		Name:  "pull",
		Usage: "export a folder of the development workspace into a package directory",
		Description: `Exports --folder of the development workspace --workspace (an Embed customer
workspace, addressed like tenants: E<external id> or its numeric id) through
the recipe lifecycle API: an export manifest with the folder's assets, an
export, a poll until it completes, a download. The package is unzipped
canonically into --out: the same package always gives the same files, so
"git diff" shows exactly which recipes changed, and plan shows an import for
every tenant whose manifest uses the package.

--out belongs to the package: a pull replaces it as a whole (written beside
it, then swapped in), so files that left the package leave the directory.
An existing directory with other contents is replaced only with --force.

See docs/packages.md for the whole flow.

Examples:
   workato-gitops package pull --workspace EDEV1 --folder Integrations/Salesforce --out packages/salesforce-sync
   workato-gitops package pull --workspace 4711 --folder Sync --out packages/sync --force --detailed-exitcode`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "workspace", Required: true, Usage: "the development `WORKSPACE`: E<external id>, or its numeric id"},
			&cli.StringFlag{Name: "folder", Required: true, Usage: "folder `PATH` in that workspace, e.g. Integrations/Salesforce"},
			&cli.StringFlag{Name: "out", Required: true, Usage: "package `DIR` to write"},
			&cli.BoolFlag{Name: "force", Usage: "replace --out even when it holds something other than an earlier pull"},
			&cli.BoolFlag{Name: "include-tags", Usage: "keep the tags assigned to the exported assets"},
			&cli.DurationFlag{Name: "timeout", Value: 5 * time.Minute, Usage: "give up when the export has not completed after `DURATION`"},
			&cli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 2 when the package changed, 0 when it did not"},
			&cli.BoolFlag{Name: "debug", Usage: "log every HTTP request (method, path, status, time; never headers or bodies) to stderr"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return fmt.Errorf("package pull takes no arguments, got %q", c.Args().First())
			}
			o := packagePullOptions{workspace: c.String("workspace"), folder: c.String("folder"), out: c.String("out"),
				force: c.Bool("force"), includeTags: c.Bool("include-tags"), timeout: c.Duration("timeout"),
				detailedExitCode: c.Bool("detailed-exitcode"), debug: c.Bool("debug")}
			return runPackagePull(c.Context, o, e)
		},
	}
}

func runPackagePull(ctx context.Context, o packagePullOptions, e env) error {
	ref, err := workspaceRef(o.workspace)
	if err != nil {
		return err
	}
	folder, err := cleanFolderPath(o.folder)
	if err != nil {
		return err
	}
	client, err := apiClient(e, spec.Config{}, o.debug)
	if err != nil {
		return err
	}
	// Workato's CLI polls every 3 s; the in-process sandbox answers at once.
	interval := 3 * time.Second
	if strings.HasPrefix(e.getenv("WORKATO_API_URL"), sandboxScheme) {
		interval = time.Millisecond
	}
	p := &puller{client: client, ref: ref, folder: folder, interval: interval, timeout: o.timeout, stderr: e.stderr}
	data, err := p.pull(ctx, o.includeTags)
	if err != nil {
		return fmt.Errorf("pull %s from workspace %s: %w", folder, o.workspace, err)
	}
	fmt.Fprintf(e.stdout, "pulled %q from workspace %s\n", folder, o.workspace)
	changed, err := writePackage(data, o.out, o.force, e.stdout)
	if err != nil {
		return err
	}
	if o.detailedExitCode && changed {
		return &codeError{code: exitChanges}
	}
	return nil
}

// workspaceRef reads --workspace as the API's paths do: a number is an
// id, "E" and the rest is an external id.
func workspaceRef(s string) (workato.CustomerRef, error) {
	if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 {
		return workato.ByID(id), nil
	}
	if ext, ok := strings.CutPrefix(s, "E"); ok && ext != "" {
		return workato.ByExternalID(ext), nil
	}
	return workato.CustomerRef{}, &hinted{err: fmt.Errorf("--workspace %q: want a numeric id or E<external id>", s),
		hint: fmt.Sprintf("for the workspace whose external id is %s, pass --workspace E%s", s, s)}
}

func cleanFolderPath(p string) (string, error) {
	trimmed := strings.Trim(p, "/")
	if trimmed == "" {
		return "", errors.New("--folder must name a folder; the Home folder cannot be exported as a package")
	}
	for _, seg := range strings.Split(trimmed, "/") {
		if strings.TrimSpace(seg) == "" {
			return "", fmt.Errorf("--folder %q has an empty path segment", p)
		}
	}
	return trimmed, nil
}

// puller exports one folder of one workspace.
type puller struct {
	client   *workato.Client
	ref      workato.CustomerRef
	folder   string
	interval time.Duration
	timeout  time.Duration
	stderr   io.Writer
}

// pull runs manifest, export, poll and download, and returns the zip.
// The manifest exists only for this export: it is deleted afterwards,
// whatever happened, so pulls do not pile manifests up in the workspace.
func (p *puller) pull(ctx context.Context, includeTags bool) (data []byte, err error) {
	folderID, err := p.findFolder(ctx)
	if err != nil {
		return nil, err
	}
	assets, err := p.client.FolderAssets(ctx, p.ref, folderID, workato.FolderAssetsOptions{})
	if err != nil {
		return nil, err
	}
	if len(assets) == 0 {
		return nil, fmt.Errorf("folder %s holds no recipes or other assets to export", p.folder)
	}
	for i := range assets {
		assets[i].Checked = true
	}
	m, err := p.client.CreateExportManifest(ctx, p.ref, workato.ExportManifestSpec{
		Name: "workato-gitops pull " + p.folder, FolderID: folderID, Assets: assets,
		AutoGenerateAssets: true, IncludeTags: includeTags,
	})
	if err != nil {
		return nil, err
	}
	defer func() {
		// The pull's own context may be cancelled; the clean-up still runs, briefly.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if derr := p.client.DeleteExportManifest(ctx, p.ref, m.ID); derr != nil {
			fmt.Fprintf(p.stderr, "workato-gitops: warning: could not delete export manifest %d: %v\n", m.ID, derr)
		}
	}()
	exp, err := p.client.StartExport(ctx, p.ref, m.ID)
	if err != nil {
		return nil, err
	}
	if exp.Status != "completed" || exp.DownloadURL == "" {
		if exp, err = p.client.WaitExport(ctx, p.ref, exp.ID, p.interval, p.timeout); err != nil {
			return nil, err
		}
	}
	return p.client.DownloadPackage(ctx, exp.DownloadURL)
}

// findFolder walks the folder path from Home, one level per call (folder
// lists are not recursive). Two folders with the same name under one
// parent are an error naming both: never guess.
func (p *puller) findFolder(ctx context.Context) (int64, error) {
	var parent *int64
	var id int64
	walked := ""
	for _, name := range strings.Split(p.folder, "/") {
		kids, err := p.client.ListFolders(ctx, p.ref, parent)
		if err != nil {
			return 0, err
		}
		var ids, names []string
		for _, f := range kids {
			names = append(names, strconv.Quote(f.Name))
			if f.Name == name {
				id = f.ID
				ids = append(ids, "#"+strconv.FormatInt(f.ID, 10))
			}
		}
		where := "Home"
		if walked != "" {
			where = strconv.Quote(walked)
		}
		switch len(ids) {
		case 0:
			sort.Strings(names)
			have := "no folders"
			if len(names) > 0 {
				have = "only " + strings.Join(names, ", ")
			}
			return 0, fmt.Errorf("folder %q not found: %s has %s", p.folder, where, have)
		case 1:
		default:
			return 0, fmt.Errorf("folder %q is ambiguous: %s has %d folders named %q (%s)", p.folder, where, len(ids), name, strings.Join(ids, ", "))
		}
		walked = strings.TrimPrefix(walked+"/"+name, "/")
		parent = &id
	}
	return id, nil
}

// writePackage unzips data into dir and prints what changed. An existing
// dir is replaced only when it is empty or already a package directory
// (plain files, nothing hidden that the swap would silently delete), or
// when force is set. It reports whether dir changed.
func writePackage(data []byte, dir string, force bool, stdout io.Writer) (bool, error) {
	pkg, err := pkgzip.FromZip(data)
	if err != nil {
		return false, fmt.Errorf("the downloaded package: %w", err)
	}
	old, oldDigest, err := readPackageDir(dir)
	if err != nil && !force {
		return false, &hinted{err: fmt.Errorf("--out %s: %w", dir, err), hint: "pass --force to replace it with the package"}
	}
	if oldDigest == pkg.Digest {
		fmt.Fprintf(stdout, "%s is up to date (%s)\n", dir, pkg.Digest)
		return false, nil
	}
	written, err := pkgzip.Unzip(data, dir)
	if err != nil {
		return false, fmt.Errorf("write %s: %w", dir, err)
	}
	cur, err := zipFileDigests(written.Zip)
	if err != nil {
		return false, err
	}
	printChanges(stdout, old, cur)
	fmt.Fprintf(stdout, "%s: %d files, %s\n", dir, len(cur), written.Digest)
	return true, nil
}

// readPackageDir returns the files (and digest) of an earlier pull in
// dir, nothing when dir does not exist or is empty, and an error when dir
// holds something a pull would not have written.
func readPackageDir(dir string) (map[string][32]byte, string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	if len(entries) == 0 {
		return nil, "", nil
	}
	hidden := ""
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && p != dir && strings.HasPrefix(d.Name(), ".") {
			hidden, _ = filepath.Rel(dir, p)
			return filepath.SkipAll
		}
		return nil
	})
	if hidden != "" {
		return nil, "", fmt.Errorf("holds %s, which is not part of any package and which a pull would delete", filepath.ToSlash(hidden))
	}
	p, err := pkgzip.Build(dir)
	if err != nil {
		return nil, "", fmt.Errorf("is not a package directory: %v", err)
	}
	files, err := zipFileDigests(p.Zip)
	return files, p.Digest, err
}

// zipFileDigests maps each file of a canonical zip to its content's hash.
func zipFileDigests(data []byte) (map[string][32]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	out := map[string][32]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		h := sha256.New()
		_, err = io.Copy(h, rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		out[f.Name] = [32]byte(h.Sum(nil))
	}
	return out, nil
}

// printChanges lists added (+), changed (~) and removed (-) files, sorted.
func printChanges(w io.Writer, old, cur map[string][32]byte) {
	var names []string
	for n := range cur {
		names = append(names, n)
	}
	for n := range old {
		if _, ok := cur[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		o, inOld := old[n]
		c, inCur := cur[n]
		switch {
		case !inOld:
			fmt.Fprintf(w, "  + %s\n", n)
		case !inCur:
			fmt.Fprintf(w, "  - %s\n", n)
		case o != c:
			fmt.Fprintf(w, "  ~ %s\n", n)
		}
	}
}
