package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// StateFormatVersion is written into every state file.
const StateFormatVersion = 1

// State is the sandbox's whole world as a JSON document: the state file, the
// seed file, and what Snapshot returns are all this one format. Every id and
// timestamp is optional in a hand-written seed and filled in on load; a
// saved state has them all. Folders nest; connections and recipes name their
// folder by path from Home ("" is Home), or by folder_id; a recipe config
// entry names its connection by account_id, or by connection name for
// convenience. Connection inputs are never stored: only input_digest, a
// keyed digest (see InputDigest). A short seed:
//
//	{"customers": [{
//	  "external_id": "A2300", "name": "ACME Corp", "notification_email": "ops@acme.example",
//	  "members": [{"name": "ACME Admin", "email": "admin@acme.example", "role_name": "Admin"}],
//	  "folders": [{"name": "Integrations", "folders": [{"name": "Salesforce"}]}],
//	  "connections": [{"name": "ACME Salesforce", "provider": "salesforce",
//	                   "folder": "Integrations/Salesforce", "authorization_status": "success"}],
//	  "recipes": [{"name": "Sync accounts", "folder": "Integrations/Salesforce", "running": true,
//	               "config": [{"keyword": "application", "provider": "salesforce",
//	                           "connection": "ACME Salesforce"}]}],
//	  "properties": {"workato_gitops.owner": "platform-team"}}]}
type State struct {
	FormatVersion int        `json:"format_version,omitempty"`
	NextID        int64      `json:"next_id,omitempty"`
	InputKey      string     `json:"input_key,omitempty"` // hex HMAC key for input digests
	Customers     []Customer `json:"customers"`
}

// Customer is a managed user (customer workspace) and everything in it.
type Customer struct {
	ID                int64     `json:"id,omitempty"`
	ExternalID        string    `json:"external_id,omitempty"`
	Name              string    `json:"name"`
	NotificationEmail string    `json:"notification_email,omitempty"`
	PlanID            string    `json:"plan_id,omitempty"`
	OriginURL         string    `json:"origin_url,omitempty"`
	InTrial           bool      `json:"in_trial,omitempty"`
	HomeFolderID      int64     `json:"home_folder_id,omitempty"`
	CreatedAt         time.Time `json:"created_at,omitzero"`
	UpdatedAt         time.Time `json:"updated_at,omitzero"`

	Members     []Member          `json:"members,omitempty"`
	Folders     []Folder          `json:"folders,omitempty"`
	Connections []Connection      `json:"connections,omitempty"`
	Recipes     []Recipe          `json:"recipes,omitempty"`
	Properties  map[string]string `json:"properties,omitempty"`
	Imports     []Import          `json:"imports,omitempty"`

	// Invitations are the email invitations sent and not yet accepted.
	Invitations []Invitation `json:"invitations,omitempty"`
	// EnvironmentOf, on a TEST or PROD workspace, is the id of the
	// customer (the DEV workspace) it belongs to; EnvironmentType is
	// "test" or "prod". Such a workspace is reached by its own id and is
	// listed only in its customer's environments property.
	EnvironmentOf   int64  `json:"environment_of,omitempty"`
	EnvironmentType string `json:"environment_type,omitempty"`
	// HomeAssetsProject is set when the workspace's Home assets folder has
	// become a project: every import then needs folder_id_for_home_assets.
	HomeAssetsProject bool `json:"home_assets_project,omitempty"`
}

// Invitation is a pending email invitation; the collaborator becomes a
// Member when they accept it (Server.AcceptInvitation).
type Invitation struct {
	Name     string    `json:"name"`
	Email    string    `json:"email"`
	RoleName string    `json:"role_name,omitempty"`
	SentAt   time.Time `json:"sent_at"`
}

// Member is a collaborator in a customer workspace.
type Member struct {
	ID         int64  `json:"id,omitempty"`
	Name       string `json:"name"`
	Email      string `json:"email,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
	RoleName   string `json:"role_name,omitempty"`
	GrantType  string `json:"grant_type,omitempty"`
	TimeZone   string `json:"time_zone,omitempty"`
}

// Folder is a folder under Home; a top-level folder is a project and has a
// ProjectID distinct from its ID.
type Folder struct {
	ID          int64     `json:"id,omitempty"`
	ProjectID   int64     `json:"project_id,omitempty"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	CreatedAt   time.Time `json:"created_at,omitzero"`
	UpdatedAt   time.Time `json:"updated_at,omitzero"`
	Folders     []Folder  `json:"folders,omitempty"`
}

// Connection is a connection; empty strings and zero times are JSON null in
// API responses. AuthorizationStatus "" means disconnected.
type Connection struct {
	ID                   int64     `json:"id,omitempty"`
	Name                 string    `json:"name"`
	Provider             string    `json:"provider"`
	Description          string    `json:"description,omitempty"`
	Folder               string    `json:"folder,omitempty"`
	FolderID             int64     `json:"folder_id,omitempty"`
	ParentID             int64     `json:"parent_id,omitempty"`
	ExternalID           string    `json:"external_id,omitempty"`
	AuthorizationStatus  string    `json:"authorization_status,omitempty"`
	AuthorizationError   string    `json:"authorization_error,omitempty"`
	AuthorizedAt         time.Time `json:"authorized_at,omitzero"`
	ConnectionLostAt     time.Time `json:"connection_lost_at,omitzero"`
	ConnectionLostReason string    `json:"connection_lost_reason,omitempty"`
	Identity             string    `json:"identity,omitempty"`
	Tags                 []string  `json:"tags,omitempty"`
	Runtime              bool      `json:"runtime,omitempty"` // a runtime-user connection
	InputDigest          string    `json:"input_digest,omitempty"`
	CreatedAt            time.Time `json:"created_at,omitzero"`
	UpdatedAt            time.Time `json:"updated_at,omitzero"`
}

// Recipe is a recipe. Code is the recipe's code object as JSON.
type Recipe struct {
	ID          int64           `json:"id,omitempty"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Folder      string          `json:"folder,omitempty"`
	FolderID    int64           `json:"folder_id,omitempty"`
	Running     bool            `json:"running,omitempty"`
	VersionNo   int             `json:"version_no,omitempty"`
	StopCause   string          `json:"stop_cause,omitempty"`
	StoppedAt   time.Time       `json:"stopped_at,omitzero"`
	LastRunAt   time.Time       `json:"last_run_at,omitzero"`
	CreatedAt   time.Time       `json:"created_at,omitzero"`
	UpdatedAt   time.Time       `json:"updated_at,omitzero"`
	Config      []RecipeConfig  `json:"config,omitempty"`
	Code        json.RawMessage `json:"code,omitempty"`
}

// RecipeConfig is one application a recipe uses; AccountID 0 means it needs
// no connection. Connection is a seed convenience resolved to AccountID.
type RecipeConfig struct {
	Keyword        string `json:"keyword,omitempty"`
	Provider       string `json:"provider"`
	Name           string `json:"name,omitempty"`
	SkipValidation bool   `json:"skip_validation,omitempty"`
	AccountID      int64  `json:"account_id,omitempty"`
	Connection     string `json:"connection,omitempty"`
}

// Import is a package import job. Jobs still in_progress when the state is
// saved fail after a reload: their package bytes are not kept.
type Import struct {
	ID           int64          `json:"id"`
	FolderID     int64          `json:"folder_id"`
	Status       string         `json:"status"`
	Error        string         `json:"error,omitempty"`
	RecipeStatus []RecipeStatus `json:"recipe_status,omitempty"`
	CreatedAt    time.Time      `json:"created_at,omitzero"`
}

// RecipeStatus is one recipe's outcome in a completed import.
type RecipeStatus struct {
	ID           int64  `json:"id"`
	ImportResult string `json:"import_result"`
}

func decodeState(r io.Reader) (State, error) {
	var st State
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return State{}, err
	}
	if st.FormatVersion > StateFormatVersion {
		return State{}, fmt.Errorf("format_version %d is newer than this sandbox (%d)", st.FormatVersion, StateFormatVersion)
	}
	return st, nil
}

// LoadSeed replaces the whole state with a seed document (see State), fills
// in missing ids and timestamps, and persists it when a StatePath is set.
func (s *Server) LoadSeed(r io.Reader) error {
	st, err := decodeState(r)
	if err != nil {
		return fmt.Errorf("sandbox: seed: %w", err)
	}
	w, err := buildWorld(st, s.now())
	if err != nil {
		return fmt.Errorf("sandbox: seed: %w", err)
	}
	s.mu.Lock()
	s.w = w
	s.version++
	s.full, s.known = true, len(w.customers)
	s.mu.Unlock()
	return s.persist()
}

// Snapshot returns a deep copy of the state.
func (s *Server) Snapshot() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.export()
}

// persist makes every change so far durable before its response goes out:
// the customers changed since the last record are appended as one record
// (see journal), or the whole state is written when the journal asks for
// compaction. persistMu is taken before mu, so that records reach the file
// in the order their changes were made, and a request whose change another
// request's record already carried waits here until that record is synced.
func (s *Server) persist() error {
	if s.opts.StatePath == "" {
		return nil
	}
	s.persistMu.Lock()
	defer s.persistMu.Unlock()
	s.mu.Lock()
	v := s.version
	if v == s.recorded {
		s.mu.Unlock()
		return nil
	}
	var data []byte
	var err error
	full := s.full || s.j.needsCompaction()
	if full {
		data, err = json.MarshalIndent(s.w.export(), "", "  ")
		data = append(data, '\n')
	} else {
		rec := journalRecord{NextID: s.w.nextID}
		for _, c := range s.dirty {
			rec.Customers = append(rec.Customers, c.export())
		}
		data, err = json.Marshal(rec)
		data = append(data, '\n')
	}
	s.dirty, s.dirtySet, s.full = nil, map[*customer]bool{}, false
	s.mu.Unlock()
	if err == nil {
		if full {
			err = s.j.compact(data)
		} else {
			err = s.j.append(data)
		}
	}
	if err != nil {
		// What was taken from the dirty set is not on disk: the next
		// persist writes the whole state.
		s.mu.Lock()
		s.full = true
		s.mu.Unlock()
		return err
	}
	s.recorded = v
	return nil
}

// noteChange records which customers a request changed, for the next
// journal record: the one its path names, and any created since the last
// call. A change it cannot attribute (a path whose customer no longer
// resolves, as after an external_id change, or a change on a path with no
// customer) makes the next persist write the whole state. The caller passes the version from before the handler.
func (s *Server) noteChange(r *http.Request, before uint64) {
	if s.opts.StatePath == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.version == before {
		return
	}
	created := s.w.customers[min(s.known, len(s.w.customers)):]
	switch ref := r.PathValue("id"); {
	case ref != "":
		if c := s.w.customerByRef(ref); c != nil {
			s.markDirty(c)
		} else {
			s.full = true
		}
	case len(created) == 0:
		s.full = true // a change outside any customer's path
	}
	for _, c := range created {
		s.markDirty(c)
	}
	s.known = len(s.w.customers)
}

func (s *Server) markDirty(c *customer) {
	if !s.dirtySet[c] {
		s.dirtySet[c] = true
		s.dirty = append(s.dirty, c)
	}
}

// writeFileAtomic never leaves a half-written state file: it writes a
// temporary file in the same directory, syncs it and renames it over.
func writeFileAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	if _, err = io.Copy(f, bytes.NewReader(data)); err != nil {
		f.Close()
		return err
	}
	if err = f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
