package sandbox

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// importJob is an Import plus what only the running process knows.
type importJob struct {
	Import
	polls      int
	pkg        *pkg   // nil once finished, or after a reload
	parseErr   string // why the package could not be read
	restart    bool
	homeAssets int64
	readyAt    time.Time
}

// createImport accepts a raw zip body and starts an asynchronous import.
// The body limit is enforced while reading; a package that is not a valid,
// safe zip is accepted and then fails, as Workato validates in the
// background (UNCONFIRMED [design.md: import validation]: it might refuse synchronously).
func (s *Server) createImport(w http.ResponseWriter, r *http.Request) {
	folderID, ok1 := queryID(r, "folder_id")
	homeAssets, ok2 := queryID(r, "folder_id_for_home_assets")
	if !ok1 || !ok2 || folderID == 0 {
		fieldErrors{"folder_id": {"is invalid"}}.write(w)
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, s.opts.MaxImportBytes+1))
	if err != nil {
		badRequest(w)
		return
	}
	if int64(len(data)) > s.opts.MaxImportBytes {
		// The status and text for an oversize package are UNCONFIRMED [design.md: import validation].
		writeMessage(w, http.StatusRequestEntityTooLarge,
			fmt.Sprintf("Package is too large (maximum is %d bytes)", s.opts.MaxImportBytes))
		return
	}
	p, perr := parsePackage(data) // outside the lock: it is the slow part
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.customerFor(w, r)
	if c == nil {
		return
	}
	if c.folders[folderID] == nil || (homeAssets != 0 && c.folders[homeAssets] == nil) {
		notFound(w)
		return
	}
	if msg := c.homeAssetsProblem(p, homeAssets); msg != "" {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Folder id for home assets " + msg,
			"errors": map[string][]string{"folder_id_for_home_assets": {msg}}})
		return
	}
	// One import at a time per workspace: a new one finishes the last.
	for _, j := range c.imports {
		if j.Status == "in_progress" {
			s.finishImport(c, j)
		}
	}
	now := s.now()
	job := &importJob{
		Import:  Import{ID: s.w.alloc(), FolderID: folderID, Status: "in_progress", CreatedAt: now},
		pkg:     p,
		restart: queryBool(r, "restart_recipes"), homeAssets: homeAssets,
		readyAt: now.Add(s.opts.ImportDuration),
	}
	if perr != nil {
		job.parseErr = perr.Error()
	}
	c.imports[job.ID] = job
	s.version++
	writeJSON(w, http.StatusOK, importAPI(job))
}

// getImport reports in_progress on the first poll and until ImportDuration
// has passed; the poll after that applies the package and reports the end.
func (s *Server) getImport(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.customerFor(w, r)
	if c == nil {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("package_id"), 10, 64)
	job := c.imports[id]
	if err != nil || job == nil {
		notFound(w)
		return
	}
	job.polls++
	if job.Status == "in_progress" && job.polls > 1 && !s.now().Before(job.readyAt) {
		s.finishImport(c, job)
		s.version++
	}
	writeJSON(w, http.StatusOK, importAPI(job))
}

func importAPI(j *importJob) map[string]any {
	out := map[string]any{"id": j.ID, "operation_type": "import", "status": j.Status}
	switch j.Status {
	case "failed":
		out["error"] = j.Error
	case "completed":
		out["recipe_status"] = append([]RecipeStatus{}, j.RecipeStatus...)
	}
	return out
}

// finishImport applies a job's package, all or nothing: a dry run finds
// every reason to fail before anything changes.
func (s *Server) finishImport(c *customer, j *importJob) {
	defer func() { j.pkg = nil }()
	fail := func(msg string) { j.Status, j.Error = "failed", msg }
	switch {
	case j.parseErr != "":
		fail("Invalid package: " + j.parseErr)
		return
	case j.pkg == nil:
		fail("The sandbox restarted before this import finished")
		return
	case c.folders[j.FolderID] == nil:
		fail("Target folder not found")
		return
	}
	if _, err := s.runImport(c, j, false); err != nil {
		fail(err.Error())
		return
	}
	results, err := s.runImport(c, j, true)
	if err != nil {
		// The dry run saw the same state under the same lock.
		panic(fmt.Sprintf("sandbox: import failed after its dry run: %v", err))
	}
	j.Status, j.RecipeStatus = "completed", results
}

// homeAssetsProblem checks folder_id_for_home_assets, which the import
// docs require when the package holds root-folder assets or the
// workspace's Home assets folder became a project, and which must not be
// the root folder. The refusal's status and text are UNCONFIRMED
// (docs/design.md row "folder_id_for_home_assets"): 422 with field errors.
func (c *customer) homeAssetsProblem(p *pkg, homeAssets int64) string {
	if homeAssets == c.info.HomeFolderID && homeAssets != 0 {
		return "must not be the root folder"
	}
	if homeAssets != 0 {
		return ""
	}
	if c.info.HomeAssetsProject {
		return "is required: Home assets is a project"
	}
	if p != nil && slices.ContainsFunc(p.connections, func(pc pkgConnection) bool { return pc.rootFolder }) {
		return "is required: the package has root-folder assets"
	}
	return ""
}
