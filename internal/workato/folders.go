package workato

import (
	"context"
	"errors"
	"fmt"
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
// accepted fields are UNCONFIRMED [design.md: folder update body]: name and parent_id are assumed.
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
// is UNCONFIRMED [design.md: single-object envelope]; both decode.
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

// DeleteFolder deletes a folder that is not a project. What Workato does
// with a folder that is not empty is UNCONFIRMED [design.md: folder delete when not empty]: callers empty it first
// and treat a 4xx as "not empty". A project (a top-level folder) is not
// deleted by this endpoint (Workato's CLI: "the folders DELETE endpoint
// does not handle projects"); use DeleteProject, or RemoveFolder, which
// picks the endpoint.
//
// DELETE /managed_users/:id/folders/:folder_id — https://docs.workato.com/oem/oem-api/folders.html
func (c *Client) DeleteFolder(ctx context.Context, cust CustomerRef, folderID int64) error {
	p, err := customerPath(cust, "folders", itoa(folderID))
	if err != nil {
		return err
	}
	return c.do(ctx, &request{method: http.MethodDelete, path: p}, nil)
}

// DeleteProject deletes a project and everything in it. projectID is the
// project's id (Project.ID, Folder.ProjectID), never its folder's id.
//
// DELETE /managed_users/:id/projects/:project_id — https://docs.workato.com/oem/oem-api/folders.html
func (c *Client) DeleteProject(ctx context.Context, cust CustomerRef, projectID int64) error {
	p, err := customerPath(cust, "projects", itoa(projectID))
	if err != nil {
		return err
	}
	return c.do(ctx, &request{method: http.MethodDelete, path: p}, nil)
}

// ErrStillExists is returned by RemoveFolder when the server answered 404
// but the folder is still listed: the 404 hid an object that exists.
var ErrStillExists = errors.New("workato: still exists after a 404 on delete")

// RemoveFolder deletes f through the endpoint its kind needs: a project
// (a top-level folder, f.IsProject) by its project id, any other folder
// through the folders endpoint. A 404 counts as done only once listing
// f's parent confirms that f is gone; otherwise the error wraps
// ErrStillExists. The project id comes from f.ProjectID, or from the
// projects list (matched by folder_id) when the folder list left it out.
func (c *Client) RemoveFolder(ctx context.Context, cust CustomerRef, f Folder) error {
	var err error
	if f.IsProject {
		var pid int64
		pid, err = c.projectIDOf(ctx, cust, f)
		if err == nil {
			err = c.DeleteProject(ctx, cust, pid)
		}
	} else {
		err = c.DeleteFolder(ctx, cust, f.ID)
	}
	if !errors.Is(err, ErrNotFound) {
		return err
	}
	siblings, lerr := c.ListFolders(ctx, cust, f.parentForList())
	if lerr != nil {
		return fmt.Errorf("%w (and checking whether folder %d is gone: %v)", err, f.ID, lerr)
	}
	for _, s := range siblings {
		if s.ID == f.ID {
			return fmt.Errorf("workato: delete folder %d %q: %w: %v", f.ID, f.Name, ErrStillExists, err)
		}
	}
	return nil
}

// parentForList is the parent_id that lists f: none for a top-level folder.
func (f Folder) parentForList() *int64 {
	if f.IsProject {
		return nil
	}
	return f.ParentID
}

func (c *Client) projectIDOf(ctx context.Context, cust CustomerRef, f Folder) (int64, error) {
	if f.ProjectID != nil && *f.ProjectID != 0 {
		return *f.ProjectID, nil
	}
	projects, err := c.ListProjects(ctx, cust)
	if err != nil {
		return 0, err
	}
	for _, p := range projects {
		if p.FolderID == f.ID {
			return p.ID, nil
		}
	}
	return 0, fmt.Errorf("workato: folder %d %q: %w: no project has it as folder_id", f.ID, f.Name, ErrNotFound)
}
