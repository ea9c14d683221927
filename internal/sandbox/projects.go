package sandbox

import (
	"net/http"
	"strconv"
)

type apiProject struct {
	ID          int64   `json:"id"`
	Description *string `json:"description"`
	FolderID    int64   `json:"folder_id"`
	Name        string  `json:"name"`
}

// listProjects lists the top-level folders as projects, paged like folders.
func (s *Server) listProjects(w http.ResponseWriter, r *http.Request) {
	page, per, ok := paging(r, 100, 100)
	if !ok {
		badRequest(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.customerFor(w, r)
	if c == nil {
		return
	}
	top := c.children(c.info.HomeFolderID)
	lo, hi := pageOf(len(top), page, per)
	out := []apiProject{}
	for _, f := range top[lo:hi] {
		out = append(out, apiProject{ID: f.ProjectID, Description: stringOrNull(f.Description), FolderID: f.ID, Name: f.Name})
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": out})
}

// deleteProject deletes a project by its project id (not its folder id)
// with everything in it: sub-folders, connections and recipes, as the
// Developer API spec describes. A project holding a running recipe is
// refused with the spec's 403 {"message": "Cannot destroy folder"}; that
// condition is invented.
func (s *Server) deleteProject(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.customerFor(w, r)
	if c == nil {
		return
	}
	pid, err := strconv.ParseInt(r.PathValue("project_id"), 10, 64)
	var top *folder
	for _, f := range c.children(c.info.HomeFolderID) {
		if f.ProjectID == pid {
			top = f
		}
	}
	if err != nil || top == nil {
		notFound(w)
		return
	}
	tree := map[int64]bool{}
	for id := range c.folders {
		if c.isDescendant(id, top.ID) {
			tree[id] = true
		}
	}
	inside := func(folderID int64) bool { return tree[folderID] }
	for _, rc := range c.recipes {
		if rc.Running && inside(rc.FolderID) {
			writeMessage(w, http.StatusForbidden, "Cannot destroy folder")
			return
		}
	}
	for id, rc := range c.recipes {
		if inside(rc.FolderID) {
			delete(c.recipes, id)
		}
	}
	for id, conn := range c.conns {
		if inside(conn.FolderID) {
			delete(c.conns, id)
		}
	}
	for id := range tree {
		delete(c.folders, id)
	}
	s.version++
	writeJSON(w, http.StatusOK, map[string]any{"success": true})
}
