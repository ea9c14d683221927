package plan

import (
	"encoding/json"
	"fmt"
	"sync"
)

// Live is what the Embedded API says about one tenant, as read for its
// plan. Only what the plan needs is read: folders along the manifest's
// paths, recipes and members only when the manifest or the ledger needs
// them. It holds no secret (the API never returns connection inputs) and is
// saved with a plan for offline previews.
type Live struct {
	Customer *LiveCustomer `json:"customer"` // nil: the workspace does not exist
	// HomeID is the id of the workspace's Home folder when known (the
	// parent of its top-level folders); connections at Home carry it.
	HomeID      int64            `json:"home_id,omitempty"`
	Folders     []LiveFolder     `json:"folders"`
	Connections []LiveConnection `json:"connections"`
	Recipes     []LiveRecipe     `json:"recipes"`
	RecipesRead bool             `json:"recipes_read"`
	Members     []LiveMember     `json:"members"`
	MembersRead bool             `json:"members_read"`
	// Ledger is the tenant's workato_gitops.* account properties.
	Ledger map[string]string `json:"ledger"`
	// Kinds holds, by kind, the live objects of kinds that keep them here
	// rather than in a field above (SetLiveObjects, LiveObjects), as JSON,
	// so that a kind added in its own files is saved with a plan too.
	Kinds map[Kind]json.RawMessage `json:"kinds,omitempty"`
}

var liveKindsMu sync.Mutex // the reads of one tenant run at once

// SetLiveObjects keeps kind k's live objects in l.Kinds. The reads of one
// tenant may call it at once.
func SetLiveObjects[T any](l *Live, k Kind, xs []T) {
	data, err := json.Marshal(xs)
	if err != nil {
		panic(fmt.Sprintf("internal: live %s objects: %v", k, err))
	}
	liveKindsMu.Lock()
	defer liveKindsMu.Unlock()
	if l.Kinds == nil {
		l.Kinds = map[Kind]json.RawMessage{}
	}
	l.Kinds[k] = data
}

// LiveObjects is what SetLiveObjects kept for kind k: none when nothing
// was, an error when a saved plan holds something else.
func LiveObjects[T any](l *Live, k Kind) ([]T, error) {
	var xs []T
	data, ok := l.Kinds[k]
	if !ok {
		return nil, nil
	}
	if err := json.Unmarshal(data, &xs); err != nil {
		return nil, fmt.Errorf("live %s objects: %v", k, err)
	}
	return xs, nil
}

// LiveCustomer is the managed user.
type LiveCustomer struct {
	ID                int64  `json:"id"`
	ExternalID        string `json:"external_id"`
	Name              string `json:"name"`
	NotificationEmail string `json:"notification_email"`
	PlanID            string `json:"plan_id"`
	OriginURL         string `json:"origin_url"`
	// Environments are the ids of the customer's TEST and PROD workspaces
	// by type, when Embedded Environments are provisioned (its own id is
	// DEV); nil otherwise.
	Environments map[string]int64 `json:"environments,omitempty"`
}

// WorkspaceID is the id of the customer's workspace for environment env
// ("dev", "test" or "prod"): DEV is the customer's own id, the others
// come from its environments. ok is false when env is not provisioned.
func (c *LiveCustomer) WorkspaceID(env string) (id int64, ok bool) {
	if id, ok := c.Environments[env]; ok {
		return id, true
	}
	return c.ID, env == "dev"
}

// LiveFolder is a folder found while walking the manifest's paths.
type LiveFolder struct {
	ID       int64  `json:"id"`
	ParentID int64  `json:"parent_id"` // 0 or HomeID: at Home
	Name     string `json:"name"`
	Path     string `json:"path"` // from Home, "/"-separated
	// A top-level folder is a project, deleted by its project id, which is
	// not the folder id (0 when the listing did not say).
	IsProject bool  `json:"is_project,omitempty"`
	ProjectID int64 `json:"project_id,omitempty"`
}

// LiveConnection is a connection of the workspace.
type LiveConnection struct {
	ID                  int64  `json:"id"`
	Name                string `json:"name"`
	Provider            string `json:"provider"`
	FolderID            int64  `json:"folder_id"`
	ParentID            int64  `json:"parent_id,omitempty"`
	ExternalID          string `json:"external_id,omitempty"`
	AuthorizationStatus string `json:"authorization_status,omitempty"`
	AuthorizationError  string `json:"authorization_error,omitempty"`
}

// Authorized reports whether the connection is connected.
func (c LiveConnection) Authorized() bool { return c.AuthorizationStatus == "success" }

// LiveRecipe is a recipe of the workspace.
type LiveRecipe struct {
	ID            int64   `json:"id"`
	Name          string  `json:"name"`
	FolderID      int64   `json:"folder_id"`
	Running       bool    `json:"running"`
	ConnectionIDs []int64 `json:"connection_ids,omitempty"` // from config[].account_id
}

// LiveMember is a collaborator.
type LiveMember struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name,omitempty"`
	Role  string `json:"role,omitempty"`
}
