package sandbox

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"
)

type apiConnection struct {
	ID                   int64    `json:"id"`
	Name                 string   `json:"name"`
	Provider             string   `json:"provider"`
	Description          *string  `json:"description"`
	AuthorizedAt         *apiTime `json:"authorized_at"`
	AuthorizationStatus  *string  `json:"authorization_status"`
	AuthorizationError   *string  `json:"authorization_error"`
	CreatedAt            apiTime  `json:"created_at"`
	UpdatedAt            apiTime  `json:"updated_at"`
	ExternalID           *string  `json:"external_id"`
	FolderID             int64    `json:"folder_id"`
	Identity             *string  `json:"identity"`
	ConnectionLostAt     *apiTime `json:"connection_lost_at"`
	ConnectionLostReason *string  `json:"connection_lost_reason"`
	ParentID             *int64   `json:"parent_id"`
	Tags                 any      `json:"tags,omitempty"` // only with includes[]=tags; then null or a list
}

func connectionAPI(c *Connection, withTags bool) apiConnection {
	out := apiConnection{
		ID: c.ID, Name: c.Name, Provider: c.Provider, Description: stringOrNull(c.Description),
		AuthorizedAt: timeOrNull(c.AuthorizedAt), AuthorizationStatus: stringOrNull(c.AuthorizationStatus),
		AuthorizationError: stringOrNull(c.AuthorizationError),
		CreatedAt:          apiTime(c.CreatedAt), UpdatedAt: apiTime(c.UpdatedAt),
		ExternalID: stringOrNull(c.ExternalID), FolderID: c.FolderID, Identity: stringOrNull(c.Identity),
		ConnectionLostAt: timeOrNull(c.ConnectionLostAt), ConnectionLostReason: stringOrNull(c.ConnectionLostReason),
		ParentID: idOrNull(c.ParentID),
	}
	if withTags {
		out.Tags = slices.Clone(c.Tags) // a nil slice encodes as null, as the docs show
	}
	return out
}

// InputDigest is the digest the sandbox keeps of a connection input:
// HMAC-SHA256 of its canonical JSON under the state's own random key, so a
// test can check what was last sent without the state file holding a value
// that can be guessed offline.
func (s *Server) InputDigest(input map[string]any) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.inputDigest(input)
}

func (w *world) inputDigest(input map[string]any) string {
	m := hmac.New(sha256.New, w.inputKey)
	m.Write(canonicalJSON(input))
	return "hmac-sha256:" + hex.EncodeToString(m.Sum(nil))
}

// listConnections is not paged: the docs document none, so it returns all.
func (s *Server) listConnections(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	folderID, ok1 := queryID(r, "folder_id")
	parentID, ok2 := queryID(r, "parent_id")
	if !ok1 || !ok2 {
		badRequest(w)
		return
	}
	withTags := slices.Contains(q["includes[]"], "tags")
	runtime := queryBool(r, "include_runtime_connections")
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.customerFor(w, r)
	if c == nil {
		return
	}
	out := []apiConnection{}
	for _, conn := range c.sortedConns() {
		switch {
		case conn.Runtime && !runtime,
			q.Get("provider") != "" && conn.Provider != q.Get("provider"),
			q.Get("external_id") != "" && conn.ExternalID != q.Get("external_id"),
			folderID != 0 && conn.FolderID != folderID,
			parentID != 0 && conn.ParentID != parentID:
			continue
		}
		out = append(out, connectionAPI(conn, withTags))
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": out})
}

type connectionBody struct {
	Name            *string         `json:"name"`
	Provider        *string         `json:"provider"`
	ParentID        flexID          `json:"parent_id"`
	FolderID        flexID          `json:"folder_id"`
	ExternalID      *string         `json:"external_id"`
	ShellConnection bool            `json:"shell_connection"`
	Input           *map[string]any `json:"input"`
}

// createConnection answers the bare connection object. A shell connection,
// or one created without input, starts disconnected (status null); one with
// input is tested by Options.TestRule.
func (s *Server) createConnection(w http.ResponseWriter, r *http.Request) {
	var b connectionBody
	if decodeBody(r, &b) != nil {
		badRequest(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.customerFor(w, r)
	if c == nil {
		return
	}
	now := s.now()
	conn := &Connection{FolderID: c.info.HomeFolderID, CreatedAt: now, UpdatedAt: now}
	if b.Provider != nil {
		conn.Provider = *b.Provider
	}
	errs := fieldErrors{}
	if b.Name == nil || *b.Name == "" {
		errs.add("name", "can't be blank")
	}
	switch {
	case conn.Provider == "":
		errs.add("provider", "can't be blank")
	case !s.w.knownProvider(conn.Provider):
		errs.add("provider", "is not included in the list")
	}
	s.applyConnectionBody(c, conn, b, errs)
	if len(errs) > 0 {
		errs.write(w)
		return
	}
	conn.ID = s.w.alloc()
	c.conns[conn.ID] = conn
	s.version++
	writeJSON(w, http.StatusOK, connectionAPI(conn, false))
}

// updateConnection changes the fields present. Sending input re-tests the
// connection unless shell_connection is true (re-testing is inferred from
// the create semantics, UNCONFIRMED [design.md: connection update re-tests]). provider cannot change and is ignored.
func (s *Server) updateConnection(w http.ResponseWriter, r *http.Request) {
	var b connectionBody
	if decodeBody(r, &b) != nil {
		badRequest(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, conn := s.connectionFor(w, r)
	if conn == nil {
		return
	}
	next := *conn
	errs := fieldErrors{}
	if b.Name != nil && *b.Name == "" {
		errs.add("name", "can't be blank")
	}
	s.applyConnectionBody(c, &next, b, errs)
	if len(errs) > 0 {
		errs.write(w)
		return
	}
	next.UpdatedAt = s.now()
	*conn = next
	s.version++
	writeJSON(w, http.StatusOK, connectionAPI(conn, false))
}

// applyConnectionBody validates and applies everything but provider.
func (s *Server) applyConnectionBody(c *customer, conn *Connection, b connectionBody, errs fieldErrors) {
	if b.Name != nil {
		conn.Name = *b.Name
	}
	if b.ExternalID != nil {
		conn.ExternalID = *b.ExternalID
	}
	if b.FolderID.set {
		conn.FolderID = cmp.Or(b.FolderID.id, c.info.HomeFolderID)
		if c.folders[conn.FolderID] == nil {
			errs.add("folder_id", "is invalid")
		}
	}
	if b.ParentID.set {
		conn.ParentID = b.ParentID.id
		p := c.conns[conn.ParentID]
		if conn.ParentID != 0 && (p == nil || p.Provider != conn.Provider || p.ID == conn.ID) {
			errs.add("parent_id", "is invalid")
		}
	}
	if b.Input != nil {
		for _, k := range unknownInputKeys(conn.Provider, *b.Input) {
			errs.add("input", k+" is not a field of the "+conn.Provider+" connector")
		}
	}
	if b.Input == nil || len(errs) > 0 {
		return
	}
	conn.InputDigest = s.w.inputDigest(*b.Input)
	if b.ShellConnection {
		return
	}
	now := s.now()
	if err := s.opts.TestRule(conn.Provider, *b.Input); err != nil {
		conn.AuthorizationStatus, conn.AuthorizationError, conn.AuthorizedAt = "failed", err.Error(), time.Time{}
		return
	}
	conn.AuthorizationStatus, conn.AuthorizationError, conn.AuthorizedAt = "success", "", now
	conn.ConnectionLostAt, conn.ConnectionLostReason = time.Time{}, ""
}

// connectionFor resolves :id and :connection_id, writing a 404 when unknown.
func (s *Server) connectionFor(w http.ResponseWriter, r *http.Request) (*customer, *Connection) {
	c := s.customerFor(w, r)
	if c == nil {
		return nil, nil
	}
	id, err := strconv.ParseInt(r.PathValue("connection_id"), 10, 64)
	conn := c.conns[id]
	if err != nil || conn == nil {
		notFound(w)
		return nil, nil
	}
	return c, conn
}

// disconnectConnection is a no-op on a disconnected connection. Without
// force=true it refuses a connection that running recipes use, answering
// like a refused delete (HTTP 200, success:false); that refusal shape is
// UNCONFIRMED [design.md: disconnect refusal]. With force the recipes keep running, as the docs imply.
func (s *Server) disconnectConnection(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, conn := s.connectionFor(w, r)
	if conn == nil {
		return
	}
	if conn.AuthorizationStatus != "" {
		if !queryBool(r, "force") && c.usedByRunningRecipe(conn.ID) {
			writeRejected(w, "You can't disconnect a connection used by active recipes")
			return
		}
		conn.AuthorizationStatus, conn.AuthorizationError, conn.AuthorizedAt = "", "", time.Time{}
		conn.UpdatedAt = s.now()
		s.version++
	}
	writeJSON(w, http.StatusOK, json.RawMessage(`{"result":{"success":true,"status":"disconnected"}}`))
}

// deleteConnection refuses, with HTTP 200 and success:false as the docs
// show, a connection that running recipes use. Recipes that used a deleted
// connection keep its id and cannot start.
func (s *Server) deleteConnection(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, conn := s.connectionFor(w, r)
	if conn == nil {
		return
	}
	if c.usedByRunningRecipe(conn.ID) {
		writeRejected(w, "You can't delete a connection used by active recipes")
		return
	}
	delete(c.conns, conn.ID)
	s.version++
	writeJSON(w, http.StatusOK, json.RawMessage(`{"result":{"success":true,"status":"deleted"}}`))
}

func writeRejected(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusOK, struct {
		Success bool   `json:"success"`
		Status  string `json:"status"`
		Message string `json:"message"`
	}{false, "rejected", msg})
}
