package pkgpull

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/live"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// Puller exports one folder of one workspace.
type Puller struct {
	Client   *workato.Client
	Ref      workato.CustomerRef
	Folder   string        // "/"-separated path from Home, not Home itself
	Interval time.Duration // between polls of the export; 0: WaitExport's 3 s, as Workato's CLI
	Timeout  time.Duration // for the export to complete
	// Warnf reports what went wrong after the package was fetched (the
	// clean-up); nil drops it.
	Warnf func(format string, args ...any)
}

// Pull runs manifest, export, poll and download, and returns the zip.
// The manifest exists only for this export: it is deleted afterwards,
// whatever happened, so pulls do not pile manifests up in the workspace.
func (p *Puller) Pull(ctx context.Context, includeTags bool) (data []byte, err error) {
	folderID, err := p.findFolder(ctx)
	if err != nil {
		return nil, err
	}
	assets, err := p.Client.FolderAssets(ctx, p.Ref, folderID, workato.FolderAssetsOptions{})
	if err != nil {
		return nil, err
	}
	if len(assets) == 0 {
		return nil, fmt.Errorf("folder %s holds no recipes or other assets to export", p.Folder)
	}
	for i := range assets {
		assets[i].Checked = true
	}
	m, err := p.Client.CreateExportManifest(ctx, p.Ref, workato.ExportManifestSpec{
		Name: "workato-gitops pull " + p.Folder, FolderID: folderID, Assets: assets,
		AutoGenerateAssets: true, IncludeTags: includeTags,
	})
	if err != nil {
		return nil, err
	}
	defer func() {
		// The pull's own context may be cancelled; the clean-up still runs, briefly.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if derr := p.Client.DeleteExportManifest(ctx, p.Ref, m.ID); derr != nil && p.Warnf != nil {
			p.Warnf("could not delete export manifest %d: %v", m.ID, derr)
		}
	}()
	exp, err := p.Client.StartExport(ctx, p.Ref, m.ID)
	if err != nil {
		return nil, err
	}
	if exp.Status != "completed" || exp.DownloadURL == "" {
		if exp, err = p.Client.WaitExport(ctx, p.Ref, exp.ID, p.Interval, p.Timeout); err != nil {
			return nil, err
		}
	}
	return p.Client.DownloadPackage(ctx, exp.DownloadURL)
}

// findFolder walks the folder path from Home, one level per call (folder
// lists are not recursive). Two folders with the same name under one
// parent are an error naming both: never guess.
func (p *Puller) findFolder(ctx context.Context) (int64, error) {
	tree, err := live.WalkFolders(ctx, p.Client, p.Ref, func(dir string) bool { return strings.HasPrefix(p.Folder, dir+"/") })
	if err != nil {
		return 0, err
	}
	var id int64
	walked := ""
	for _, name := range strings.Split(p.Folder, "/") {
		var ids, names []string
		for _, f := range tree.Children(walked) {
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
			return 0, fmt.Errorf("folder %q not found: %s has %s", p.Folder, where, have)
		case 1:
		default:
			return 0, fmt.Errorf("folder %q is ambiguous: %s has %d folders named %q (%s)", p.Folder, where, len(ids), name, strings.Join(ids, ", "))
		}
		walked = live.Join(walked, name)
	}
	return id, nil
}
