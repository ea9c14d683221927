package sandbox

import (
	"bytes"
	"cmp"
	"fmt"
	"path"
	"strings"
	"time"
)

// Import results, as documented for recipe_status[].import_result.
const (
	resultUnchangedOrUpdated = "no_update_or_updated_without_restart"
	resultRestarted          = "restarted"
	resultRestartFailed      = "restart_failed"
)

// pending stands for an object that a dry run would create.
const pending = -1

// importer runs one package against one workspace, either as a dry run
// (nothing changes; objects to create resolve to pending) or for real.
type importer struct {
	c     *customer
	w     *world
	j     *importJob
	apply bool
	now   time.Time
	dirs  map[string]int64 // package dir -> folder id
	byZip map[string]int64 // connection zip_name -> connection id
}

func (s *Server) runImport(c *customer, j *importJob, apply bool) ([]RecipeStatus, error) {
	im := &importer{c: c, w: s.w, j: j, apply: apply, now: s.now(),
		dirs: map[string]int64{"": j.FolderID, ".": j.FolderID}, byZip: map[string]int64{}}
	for _, d := range j.pkg.dirs {
		im.folder(d)
	}
	for _, pc := range j.pkg.connections {
		im.byZip[pc.zipName] = im.connection(pc)
	}
	results := []RecipeStatus{}
	for _, pr := range j.pkg.recipes {
		st, err := im.recipe(pr, j.restart)
		if err != nil {
			return nil, err
		}
		results = append(results, st)
	}
	return results, nil
}

// folder resolves a package directory to a folder under the target,
// creating it (and its parents) when applying.
func (im *importer) folder(dir string) int64 {
	if id, ok := im.dirs[dir]; ok {
		return id
	}
	parent := im.folder(path.Dir(dir))
	id := int64(pending)
	if parent != pending {
		if f := im.c.child(parent, path.Base(dir)); f != nil {
			id = f.ID
		} else if im.apply {
			id = im.c.newFolder(im.w, parent, path.Base(dir), im.now).ID
		}
	}
	im.dirs[dir] = id
	return id
}

// findConnection is the workspace connection with this name in this folder,
// the oldest when names repeat. Binding by name and folder is UNCONFIRMED [design.md: import connection binding].
func (im *importer) findConnection(folderID int64, name string) *Connection {
	for _, conn := range im.c.sortedConns() {
		if conn.FolderID == folderID && conn.Name == name {
			return conn
		}
	}
	return nil
}

// connection reuses a same-named connection in the same folder, or creates
// one, disconnected, since packages carry no credentials. root_folder
// assets land in folder_id_for_home_assets when given, else Home.
func (im *importer) connection(pc pkgConnection) int64 {
	folderID := im.folder(pc.dir)
	if pc.rootFolder {
		folderID = cmp.Or(im.j.homeAssets, im.c.info.HomeFolderID)
	}
	if folderID == pending {
		return pending
	}
	if conn := im.findConnection(folderID, pc.name); conn != nil {
		return conn.ID
	}
	if !im.apply {
		return pending
	}
	conn := &Connection{ID: im.w.alloc(), Name: pc.name, Provider: pc.provider, FolderID: folderID,
		CreatedAt: im.now, UpdatedAt: im.now}
	im.c.conns[conn.ID] = conn
	return conn.ID
}

// config binds a recipe's connection references: first to a connection in
// the package by zip_name, then to one in the workspace by name and folder.
func (im *importer) config(pr pkgRecipe) ([]RecipeConfig, error) {
	var out []RecipeConfig
	for _, pc := range pr.config {
		rc := RecipeConfig{Keyword: pc.Keyword, Provider: pc.Provider, Name: pc.Name, SkipValidation: pc.SkipValidation}
		if ref := pc.AccountID; ref != nil {
			id, ok := im.byZip[ref.ZipName]
			if !ok {
				if conn := im.findConnection(im.folder(cleanDir(ref.Folder)), ref.Name); conn != nil {
					id, ok = conn.ID, true
				}
			}
			if !ok {
				return nil, fmt.Errorf("recipe %q uses connection %q in folder %q, which is neither in the package nor in the workspace",
					pr.name, ref.Name, ref.Folder)
			}
			rc.AccountID = id
		}
		out = append(out, rc)
	}
	return out, nil
}

// recipe creates or updates one recipe. An unchanged recipe is not touched.
// A changed running recipe fails the import unless restart_recipes is set;
// then it is stopped, updated and started again, staying stopped when it
// cannot start.
func (im *importer) recipe(pr pkgRecipe, restart bool) (RecipeStatus, error) {
	cfg, err := im.config(pr)
	if err != nil {
		return RecipeStatus{}, err
	}
	next := Recipe{Name: pr.name, Description: pr.description, Code: pr.code, Config: cfg}
	folderID := im.folder(pr.dir)
	existing := im.findRecipe(folderID, pr.name)
	if existing == nil {
		if !im.apply {
			return RecipeStatus{ImportResult: resultUnchangedOrUpdated}, nil
		}
		next.ID, next.FolderID, next.VersionNo, next.CreatedAt, next.UpdatedAt = im.w.alloc(), folderID, 1, im.now, im.now
		im.c.recipes[next.ID] = &next
		return RecipeStatus{ID: next.ID, ImportResult: resultUnchangedOrUpdated}, nil
	}
	if bytes.Equal(recipeDigest(existing), recipeDigest(&next)) {
		return RecipeStatus{ID: existing.ID, ImportResult: resultUnchangedOrUpdated}, nil
	}
	if existing.Running && !restart {
		return RecipeStatus{}, fmt.Errorf("recipe %q is running; import with restart_recipes=true to update it", pr.name)
	}
	if !im.apply {
		return RecipeStatus{ID: existing.ID, ImportResult: resultUnchangedOrUpdated}, nil
	}
	wasRunning := existing.Running
	existing.Running, existing.StoppedAt = false, im.now
	existing.Description, existing.Code, existing.Config = next.Description, next.Code, next.Config
	existing.VersionNo++
	existing.UpdatedAt = im.now
	if !wasRunning {
		return RecipeStatus{ID: existing.ID, ImportResult: resultUnchangedOrUpdated}, nil
	}
	if len(im.c.configErrors(existing)) > 0 {
		return RecipeStatus{ID: existing.ID, ImportResult: resultRestartFailed}, nil
	}
	markRunning(existing, im.now)
	return RecipeStatus{ID: existing.ID, ImportResult: resultRestarted}, nil
}

func (im *importer) findRecipe(folderID int64, name string) *Recipe {
	if folderID == pending {
		return nil
	}
	for _, r := range im.c.sortedRecipes() {
		if r.FolderID == folderID && r.Name == name {
			return r
		}
	}
	return nil
}

// recipeDigest covers what an import can change; a pending connection id
// makes it differ from any stored recipe, as it should.
func recipeDigest(r *Recipe) []byte {
	return canonicalJSON(struct {
		Description string         `json:"description"`
		Code        any            `json:"code"`
		Config      []RecipeConfig `json:"config"`
	}{r.Description, rawOrNull(r.Code), r.Config})
}

// cleanDir normalises a package-relative folder ("a/b/", "./a") to the
// form the package's own directories use ("a/b", "a"; "" for the root).
func cleanDir(dir string) string {
	return strings.TrimPrefix(path.Clean("/"+dir), "/")
}
