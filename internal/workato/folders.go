package workato

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Folder is a folder in a customer workspace (reference §6). ProjectID is
// not the folder's own id, even when the folder is the project.
type Folder struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	ParentID  *int64    `json:"parent_id"`
	IsProject bool      `json:"is_project,omitempty"`
	ProjectID *int64    `json:"project_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Project is a top-level folder holding one use case (reference §6).
type Project struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	FolderID    int64  `json:"folder_id"`
}

// FolderUpdate is the body of UpdateFolder; nil fields are not sent. The
// accepted fields are UNCONFIRMED: name and parent_id are assumed.
type FolderUpdate struct {
	Name     *string `json:"name,omitempty"`
	ParentID *int64  `json:"parent_id,omitempty"`
}

type folderCreate struct {
	Name     string `json:"name"`
	ParentID *int64 `json:"parent_id,omitempty"`
}

// ListFolders lists the direct children of parentID, or of Home when
// parentID is nil: folder lists are not recursive, so a tree is walked one
// parent at a time.
//
// GET /managed_users/:id/folders — https://docs.workato.com/oem/oem-api/folders.html
func (c *Client) ListFolders(ctx context.Context, cust CustomerRef, parentID *int64) ([]Folder, error) {
	p, err := customerPath(cust, "folders")
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	if parentID != nil {
		q.Set("parent_id", itoa(*parentID))
	}
	return listPages[Folder](ctx, c, p, q)
}

// CreateFolder creates a folder under parentID, or at the top level under
// Home when parentID is nil. Whether the response is wrapped in "result"
// is UNCONFIRMED; both decode.
//
// POST /managed_users/:id/folders — https://docs.workato.com/oem/oem-api/folders.html
func (c *Client) CreateFolder(ctx context.Context, cust CustomerRef, name string, parentID *int64) (*Folder, error) {
	p, err := customerPath(cust, "folders")
	if err != nil {
		return nil, err
	}
	return sendJSON[Folder](ctx, c, http.MethodPost, p, folderCreate{Name: name, ParentID: parentID})
}

// UpdateFolder renames or moves a folder.
//
// PUT /managed_users/:id/folders/:folder_id — https://docs.workato.com/oem/oem-api/folders.html
func (c *Client) UpdateFolder(ctx context.Context, cust CustomerRef, folderID int64, upd FolderUpdate) (*Folder, error) {
	p, err := customerPath(cust, "folders", itoa(folderID))
	if err != nil {
		return nil, err
	}
	return sendJSON[Folder](ctx, c, http.MethodPut, p, upd)
}

// ListProjects lists every project of a customer workspace.
//
// GET /managed_users/:id/projects — https://docs.workato.com/oem/oem-api/folders.html
func (c *Client) ListProjects(ctx context.Context, cust CustomerRef) ([]Project, error) {
	p, err := customerPath(cust, "projects")
	if err != nil {
		return nil, err
	}
	return listPages[Project](ctx, c, p, nil)
}

// DeleteFolder deletes a folder. What Workato does with a folder that is
// not empty is UNCONFIRMED: callers empty it first and treat a 4xx as "not
// empty". A project (a top-level folder) may have to be deleted through
// the projects endpoint instead (UNCONFIRMED too).
//
// DELETE /managed_users/:id/folders/:folder_id — https://docs.workato.com/oem/oem-api/folders.html
func (c *Client) DeleteFolder(ctx context.Context, cust CustomerRef, folderID int64) error {
	p, err := customerPath(cust, "folders", itoa(folderID))
	if err != nil {
		return err
	}
	return c.do(ctx, &request{method: http.MethodDelete, path: p}, nil)
}
