package workato

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// MaxPackageSize is Workato's limit for an imported package (reference §2).
const MaxPackageSize = 100 << 20

// Import is a package import and its progress (reference §8).
type Import struct {
	ID            int64                `json:"id"`
	OperationType string               `json:"operation_type"`
	Status        string               `json:"status"` // in_progress, processing, completed or failed
	Error         string               `json:"error,omitempty"`
	RecipeStatus  []RecipeImportStatus `json:"recipe_status,omitempty"`
}

// RecipeImportStatus says what an import did to one recipe.
type RecipeImportStatus struct {
	ID           int64  `json:"id"`
	ImportResult string `json:"import_result"`
}

// ImportOptions tunes ImportPackage.
type ImportOptions struct {
	// RestartRecipes lets the import stop, update and restart running
	// recipes; without it Workato refuses a package that changes one.
	RestartRecipes bool
	// IncludeTags keeps the tags assigned to assets in the package.
	IncludeTags bool
	// FolderIDForHomeAssets receives root-folder assets; required when the
	// package has any, or when Home assets became a project.
	FolderIDForHomeAssets *int64
}

// ImportPackage starts importing a package zip into folderID. The zip is
// read whole (up to MaxPackageSize) so a 429 can resend it byte for byte;
// it is sent raw as application/octet-stream. The import runs
// asynchronously: follow it with WaitImport.
//
// POST /managed_users/:id/imports — https://docs.workato.com/oem/oem-api/recipe-lifecycle-management.html
func (c *Client) ImportPackage(ctx context.Context, cust CustomerRef, folderID int64, zip io.Reader, opt ImportOptions) (*Import, error) {
	p, err := customerPath(cust, "imports")
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(zip, MaxPackageSize+1))
	if err != nil {
		return nil, fmt.Errorf("workato: import into folder %d: read package: %w", folderID, err)
	}
	if len(body) > MaxPackageSize {
		return nil, fmt.Errorf("workato: import into folder %d: package larger than Workato's %d MB limit", folderID, MaxPackageSize>>20)
	}
	q := url.Values{"folder_id": {itoa(folderID)}}
	if opt.RestartRecipes {
		q.Set("restart_recipes", "true")
	}
	if opt.IncludeTags {
		q.Set("include_tags", "true")
	}
	if opt.FolderIDForHomeAssets != nil {
		q.Set("folder_id_for_home_assets", itoa(*opt.FolderIDForHomeAssets))
	}
	r := &request{method: http.MethodPost, path: p, query: q, body: body, contentType: "application/octet-stream"}
	var out Import
	if err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetImport returns the state of an import.
//
// GET /managed_users/:id/imports/:package_id — https://docs.workato.com/oem/oem-api/recipe-lifecycle-management.html
func (c *Client) GetImport(ctx context.Context, cust CustomerRef, importID int64) (*Import, error) {
	p, err := customerPath(cust, "imports", itoa(importID))
	if err != nil {
		return nil, err
	}
	var out Import
	if err := c.do(ctx, &request{method: http.MethodGet, path: p}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// WaitImport polls an import every interval until it is neither
// in_progress nor processing, or timeout passes. A failed import, or a
// completed one that left a recipe in a bad state, is an *ImportError; the
// final Import is returned either way.
func (c *Client) WaitImport(ctx context.Context, cust CustomerRef, importID int64, interval, timeout time.Duration) (*Import, error) {
	if interval <= 0 {
		interval = 3 * time.Second // Workato's own CLI polls every 3 s
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	for {
		imp, err := c.GetImport(ctx, cust, importID)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return nil, fmt.Errorf("workato: import %d: still running after %v: %w", importID, timeout, err)
			}
			return nil, err
		}
		switch imp.Status {
		case "in_progress", "processing":
		default:
			// Anything else is final: the spec lists only these four, and
			// an unknown state should surface, not poll until the timeout.
			return imp, checkImport(imp, c.scrub)
		}
		if err := sleepCtx(ctx, interval); err != nil {
			return nil, fmt.Errorf("workato: import %d: still %s after %v: %w", importID, imp.Status, timeout, err)
		}
	}
}

// importResults maps the known recipe_status[].import_result values to
// whether they are a success (reference §8).
var importResults = map[string]bool{
	"no_update_or_updated_without_restart": true,
	"restarted":                            true,
	"stopped":                              false, // updated but could not restart
	"restart_failed":                       false,
	"not_found":                            false,
	"stop_failed":                          false,
}

// ImportError is an import that failed, or finished with recipes in a bad
// state.
type ImportError struct {
	ID      int64
	Status  string
	Message string               // the server's "error" text, scrubbed
	Recipes []RecipeImportStatus // the recipes whose import_result is bad
}

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "workato: import %d %s", e.ID, e.Status)
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	for _, r := range e.Recipes {
		fmt.Fprintf(&b, "; recipe %d: %s", r.ID, r.ImportResult)
	}
	return b.String()
}

// checkImport reads a final import. An import_result it does not know is
// treated as bad: an unattended apply must not report success it cannot
// confirm.
func checkImport(imp *Import, s scrubber) error {
	e := &ImportError{ID: imp.ID, Status: imp.Status, Message: s.String(imp.Error)}
	for _, r := range imp.RecipeStatus {
		if ok, known := importResults[r.ImportResult]; !ok || !known {
			e.Recipes = append(e.Recipes, r)
		}
	}
	if imp.Status == "completed" && len(e.Recipes) == 0 {
		return nil
	}
	return e
}
