package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The export side of the recipe lifecycle (reference §8): folder assets,
// export manifests, and exports that build a package zip asynchronously.
// Manifests and exports live in memory only, like an import's package
// bytes: a reloaded sandbox has none.

type exportStore struct {
	manifests map[int64]*exportManifest
	jobs      map[int64]*exportJob
}

func (c *customer) exportStore() *exportStore {
	if c.exports == nil {
		c.exports = &exportStore{manifests: map[int64]*exportManifest{}, jobs: map[int64]*exportJob{}}
	}
	return c.exports
}

type exportManifest struct {
	id                 int64
	spec               manifestSpec
	createdAt, updated time.Time
	lastExportedAt     time.Time
}

type manifestSpec struct {
	Name               string        `json:"name"`
	FolderID           flexID        `json:"folder_id"`
	Assets             []exportAsset `json:"assets"`
	AutoGenerateAssets bool          `json:"auto_generate_assets"`
	IncludeData        bool          `json:"include_data"`
	IncludeTags        bool          `json:"include_tags"`
	IncludeTestCases   bool          `json:"include_test_cases"`
}

// exportAsset is an asset as folder_assets lists it and a manifest holds
// it. ID stays raw: asset types the sandbox does not model are tolerated,
// whatever their ids look like.
type exportAsset struct {
	ID           json.RawMessage `json:"id"`
	Name         string          `json:"name,omitempty"`
	Type         string          `json:"type"`
	Version      int             `json:"version,omitempty"`
	Folder       string          `json:"folder"`
	AbsolutePath string          `json:"absolute_path,omitempty"`
	RootFolder   bool            `json:"root_folder"`
	Unreachable  bool            `json:"unreachable"`
	ZipName      string          `json:"zip_name"`
	Checked      bool            `json:"checked"`
}

type exportJob struct {
	id, manifestID int64
	folderID       int64
	status         string // in_progress, completed or failed
	err            string
	polls          int
	zip            []byte
	spec           manifestSpec // the manifest as it was when the export started
}

// folderAssets lists what an export of folder_id would hold: the recipes
// and connections in it and below it, with zip_names relative to it, and
// the connections its recipes use from outside it, at the package root
// with root_folder set (Workato's placement of such dependencies is
// UNCONFIRMED [design.md: export dependency placement]; this is the one the sandbox's import reads back).
func (s *Server) folderAssets(w http.ResponseWriter, r *http.Request) {
	folderID, ok := queryID(r, "folder_id")
	if !ok || folderID == 0 {
		fieldErrors{"folder_id": {"is invalid"}}.write(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.customerFor(w, r)
	if c == nil {
		return
	}
	if c.folders[folderID] == nil {
		notFound(w)
		return
	}
	assets := c.packageAssets(folderID).list()
	writeJSON(w, http.StatusOK, map[string]any{"result": map[string]any{"assets": assets}})
}

// assetSet is a folder's exportable assets, keyed by type and id.
type assetSet struct {
	c       *customer
	root    int64
	recipes map[int64]exportAsset
	conns   map[int64]exportAsset
}

func (c *customer) packageAssets(root int64) *assetSet {
	set := &assetSet{c: c, root: root, recipes: map[int64]exportAsset{}, conns: map[int64]exportAsset{}}
	rel := map[int64]string{root: ""} // folder id -> path relative to root
	queue := []int64{root}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, f := range c.children(id) {
			rel[f.ID] = path.Join(rel[id], f.Name)
			queue = append(queue, f.ID)
		}
	}
	used := map[string]bool{}
	for _, conn := range c.sortedConns() {
		if dir, ok := rel[conn.FolderID]; ok && !conn.Runtime {
			set.conns[conn.ID] = c.asset(conn.ID, conn.Name, "connection", 0, dir, false, used)
		}
	}
	for _, rc := range c.sortedRecipes() {
		if dir, ok := rel[rc.FolderID]; ok {
			set.recipes[rc.ID] = c.asset(rc.ID, rc.Name, "recipe", rc.VersionNo, dir, false, used)
		}
	}
	for _, rc := range c.sortedRecipes() {
		if _, ok := set.recipes[rc.ID]; !ok {
			continue
		}
		for _, cfg := range rc.Config {
			conn := c.conns[cfg.AccountID]
			if conn == nil || set.conns[conn.ID].Type != "" {
				continue
			}
			set.conns[conn.ID] = c.asset(conn.ID, conn.Name, "connection", 0, "", true, used)
		}
	}
	return set
}

// asset names an asset's file <snake_case_name>.<type>.json in dir; a
// name already taken gets _2, _3... in id order, so names are stable.
func (c *customer) asset(id int64, name, typ string, version int, dir string, root bool, used map[string]bool) exportAsset {
	stem := snakeCase(name)
	zipName := path.Join(dir, stem+"."+typ+".json")
	for n := 2; used[strings.ToLower(zipName)]; n++ {
		zipName = path.Join(dir, fmt.Sprintf("%s_%d.%s.json", stem, n, typ))
	}
	used[strings.ToLower(zipName)] = true
	a := exportAsset{ID: json.RawMessage(strconv.FormatInt(id, 10)), Name: name, Type: typ, Version: version,
		Folder: dir, RootFolder: root, ZipName: zipName, Checked: true}
	a.AbsolutePath = strings.TrimSuffix("All projects/"+c.pathOf(c.folderOf(id)), "/")
	return a
}

// folderOf is the folder holding a recipe or connection.
func (c *customer) folderOf(id int64) int64 {
	if rc := c.recipes[id]; rc != nil {
		return rc.FolderID
	}
	if conn := c.conns[id]; conn != nil {
		return conn.FolderID
	}
	return 0
}

func (set *assetSet) list() []exportAsset {
	out := []exportAsset{}
	for _, a := range set.conns {
		out = append(out, a)
	}
	for _, a := range set.recipes {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ZipName < out[j].ZipName })
	return out
}

// snakeCase turns "Sync accounts to Salesforce" into
// "sync_accounts_to_salesforce", as Workato names package files.
func snakeCase(name string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			under = false
		} else {
			under = true
		}
	}
	if b.Len() == 0 {
		return "asset"
	}
	return b.String()
}

func (s *Server) createManifest(w http.ResponseWriter, r *http.Request) { s.saveManifest(w, r, false) }

func (s *Server) updateManifest(w http.ResponseWriter, r *http.Request) { s.saveManifest(w, r, true) }

// saveManifest creates a manifest, or replaces the one in the path.
func (s *Server) saveManifest(w http.ResponseWriter, r *http.Request, update bool) {
	var body struct {
		ExportManifest *manifestSpec `json:"export_manifest"`
	}
	if err := decodeBody(r, &body); err != nil || body.ExportManifest == nil {
		badRequest(w)
		return
	}
	spec := *body.ExportManifest
	s.mu.Lock()
	defer s.mu.Unlock()
	var c *customer
	var m *exportManifest
	if update {
		if c, m = s.manifestFor(w, r); m == nil {
			return
		}
	} else if c = s.customerFor(w, r); c == nil {
		return
	}
	errs := fieldErrors{}
	if strings.TrimSpace(spec.Name) == "" {
		errs.add("name", "can't be blank")
	}
	if c.folders[spec.FolderID.id] == nil {
		errs.add("folder_id", "is invalid")
	}
	for _, a := range spec.Assets {
		if a.Type == "" {
			errs.add("assets", "type can't be blank")
		} else if !c.hasAsset(a) {
			errs.add("assets", fmt.Sprintf("%s %s not found", a.Type, a.ID))
		}
	}
	if len(errs) > 0 {
		errs.write(w)
		return
	}
	now := s.now()
	if m == nil {
		m = &exportManifest{id: s.w.alloc(), createdAt: now}
		c.exportStore().manifests[m.id] = m
	}
	m.spec, m.updated = spec, now
	s.version++ // persists next_id
	writeJSON(w, http.StatusOK, map[string]any{"result": c.manifestAPI(m)})
}

// hasAsset checks the recipes and connections a manifest names; other
// asset types are tolerated (and left out of the package), as Workato adds
// types the sandbox does not model.
func (c *customer) hasAsset(a exportAsset) bool {
	id, err := strconv.ParseInt(strings.Trim(string(a.ID), `"`), 10, 64)
	switch a.Type {
	case "recipe":
		return err == nil && c.recipes[id] != nil
	case "connection":
		return err == nil && c.conns[id] != nil
	}
	return true
}

func (c *customer) manifestAPI(m *exportManifest) map[string]any {
	// The project is the top-level folder above the manifest's folder.
	project := ""
	for f := c.folders[m.spec.FolderID.id]; f != nil && f.ID != c.info.HomeFolderID; f = c.folders[f.ParentID] {
		project = f.Name
	}
	return map[string]any{
		"id": m.id, "name": m.spec.Name, "status": "working", "project_path": stringOrNull(project),
		"last_exported_at": timeOrNull(m.lastExportedAt), "created_at": apiTime(m.createdAt),
		"updated_at": apiTime(m.updated), "deleted_at": nil,
	}
}

// manifestFor resolves :id and :manifest_id, writing a 404 when either is
// unknown. The caller must hold s.mu.
func (s *Server) manifestFor(w http.ResponseWriter, r *http.Request) (*customer, *exportManifest) {
	c := s.customerFor(w, r)
	if c == nil {
		return nil, nil
	}
	id, err := strconv.ParseInt(r.PathValue("manifest_id"), 10, 64)
	m := c.exportStore().manifests[id]
	if err != nil || m == nil {
		notFound(w)
		return nil, nil
	}
	return c, m
}

func (s *Server) getManifest(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, m := s.manifestFor(w, r); m != nil {
		writeJSON(w, http.StatusOK, map[string]any{"result": c.manifestAPI(m)})
	}
}

func (s *Server) deleteManifest(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, m := s.manifestFor(w, r); m != nil {
		delete(c.exportStore().manifests, m.id)
		writeJSON(w, http.StatusOK, json.RawMessage(`{"result":{"success":true}}`))
	}
}

// startExport begins an export of a manifest; the first status poll
// always says in_progress, and the next one builds the package from the
// folder as it is then.
func (s *Server) startExport(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m := s.manifestFor(w, r)
	if m == nil {
		return
	}
	j := &exportJob{id: s.w.alloc(), manifestID: m.id, folderID: m.spec.FolderID.id, status: "in_progress", spec: m.spec}
	c.exportStore().jobs[j.id] = j
	m.lastExportedAt = s.now()
	s.version++
	writeJSON(w, http.StatusOK, exportAPI(c, j))
}

func (s *Server) jobFor(w http.ResponseWriter, r *http.Request) (*customer, *exportJob) {
	c := s.customerFor(w, r)
	if c == nil {
		return nil, nil
	}
	id, err := strconv.ParseInt(r.PathValue("package_id"), 10, 64)
	j := c.exportStore().jobs[id]
	if err != nil || j == nil {
		notFound(w)
		return nil, nil
	}
	return c, j
}

func (s *Server) getExport(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, j := s.jobFor(w, r)
	if j == nil {
		return
	}
	j.polls++
	if j.status == "in_progress" && j.polls > 1 {
		if data, err := c.buildPackage(j.folderID, j.spec, s.now()); err != nil {
			j.status, j.err = "failed", err.Error()
		} else {
			j.status, j.zip = "completed", data
		}
	}
	writeJSON(w, http.StatusOK, exportAPI(c, j))
}

// exportAPI renders an export. download_url is a path on the sandbox
// itself, relative to its origin, so it is right however the sandbox is
// reached (in-process, loopback, behind a proxy).
func exportAPI(c *customer, j *exportJob) map[string]any {
	out := map[string]any{"id": j.id, "operation_type": "export", "status": j.status,
		"export_manifest_id": j.manifestID, "download_url": nil}
	switch j.status {
	case "completed":
		out["download_url"] = fmt.Sprintf("/api/managed_users/%d/exports/%d/download", c.info.ID, j.id)
	case "failed":
		out["error"] = j.err
	}
	return out
}

// downloadExport serves a completed export's zip.
func (s *Server) downloadExport(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, j := s.jobFor(w, r)
	if j == nil {
		return
	}
	if j.status != "completed" {
		notFound(w)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="package_%d.zip"`, j.id))
	w.WriteHeader(http.StatusOK)
	w.Write(j.zip)
}
