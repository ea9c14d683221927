package workato

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// The recipe lifecycle's export side (reference §8, "Export from a customer
// workspace"): build a manifest for a folder, export it as a package, poll
// the export, download the zip.
//
// https://docs.workato.com/oem/oem-api/recipe-lifecycle-management.html

// AssetID is an asset's id as the API sent it. Recipes and connections have
// numeric ids, but the reference does not promise that for every asset
// type, and one odd type must not fail a whole folder's list; so the id is
// kept verbatim and sent back verbatim.
type AssetID struct{ raw json.RawMessage }

// NewAssetID is a numeric asset id.
func NewAssetID(id int64) AssetID { return AssetID{raw: json.RawMessage(itoa(id))} }

// String returns the id without JSON quotes.
func (a AssetID) String() string {
	var s string
	if json.Unmarshal(a.raw, &s) == nil {
		return s
	}
	return string(a.raw)
}

// Equal reports whether two ids are the same (go-cmp uses it too).
func (a AssetID) Equal(b AssetID) bool { return bytes.Equal(a.raw, b.raw) }

// MarshalJSON writes the id back as it came; a zero AssetID is null.
func (a AssetID) MarshalJSON() ([]byte, error) {
	if len(a.raw) == 0 {
		return []byte("null"), nil
	}
	return a.raw, nil
}

// UnmarshalJSON keeps a number or a string; anything else is an error.
func (a *AssetID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '"' && (b[0] < '0' || b[0] > '9') && b[0] != '-' && !bytes.Equal(b, []byte("null")) {
		return fmt.Errorf("asset id %s is neither a number nor a string", b)
	}
	a.raw = append(json.RawMessage(nil), b...)
	return nil
}

// ExportAsset is one asset of a folder's asset list or of an export
// manifest. Type is a plain string, not an enum: Workato adds asset types
// over time (Workato's own CLI broke on agentic_genie), so a type this
// client does not know passes through untouched.
type ExportAsset struct {
	ID           AssetID `json:"id"`
	Name         string  `json:"name,omitempty"`
	Type         string  `json:"type"`
	Version      *int    `json:"version,omitempty"`
	Folder       string  `json:"folder"`
	AbsolutePath string  `json:"absolute_path,omitempty"`
	RootFolder   bool    `json:"root_folder"`
	Unreachable  bool    `json:"unreachable"`
	ZipName      string  `json:"zip_name"`
	Checked      bool    `json:"checked"`
}

// FolderAssetsOptions tunes FolderAssets.
type FolderAssetsOptions struct {
	IncludeTestCases bool
	IncludeData      bool
}

// FolderAssets lists the assets an export of folderID would hold, each
// with its zip_name (its path in the package, relative to the folder).
//
// GET /managed_users/:id/export_manifests/folder_assets — https://docs.workato.com/oem/oem-api/recipe-lifecycle-management.html
func (c *Client) FolderAssets(ctx context.Context, cust CustomerRef, folderID int64, opt FolderAssetsOptions) ([]ExportAsset, error) {
	p, err := customerPath(cust, "export_manifests", "folder_assets")
	if err != nil {
		return nil, err
	}
	q := url.Values{"folder_id": {itoa(folderID)}}
	if opt.IncludeTestCases {
		q.Set("include_test_cases", "true")
	}
	if opt.IncludeData {
		q.Set("include_data", "true")
	}
	// {"result": {"assets": [...]}}; the envelope's "result" is unwrapped
	// by do.
	var out struct {
		Assets []ExportAsset `json:"assets"`
	}
	if err := c.do(ctx, &request{method: http.MethodGet, path: p, query: q}, &out); err != nil {
		return nil, err
	}
	return out.Assets, nil
}

// ExportManifestSpec is what an export manifest holds: the body of
// CreateExportManifest. The embedded body is
// assumed to match the Developer API's (reference §8).
type ExportManifestSpec struct {
	Name     string        `json:"name"`
	FolderID int64         `json:"folder_id"`
	Assets   []ExportAsset `json:"assets"`
	// AutoGenerateAssets lets Workato add the folder's assets and their
	// dependencies itself.
	AutoGenerateAssets bool `json:"auto_generate_assets"`
	IncludeData        bool `json:"include_data"`
	IncludeTags        bool `json:"include_tags"`
	IncludeTestCases   bool `json:"include_test_cases"`
}

// ExportManifest is a stored export manifest.
type ExportManifest struct {
	ID             int64      `json:"id"`
	Name           string     `json:"name"`
	ProjectPath    string     `json:"project_path,omitempty"`
	Status         string     `json:"status,omitempty"`
	LastExportedAt *time.Time `json:"last_exported_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	DeletedAt      *time.Time `json:"deleted_at,omitempty"`
}

type manifestBody struct {
	ExportManifest ExportManifestSpec `json:"export_manifest"`
}

// CreateExportManifest stores a manifest in the customer workspace.
//
// POST /managed_users/:id/export_manifests — https://docs.workato.com/oem/oem-api/recipe-lifecycle-management.html
func (c *Client) CreateExportManifest(ctx context.Context, cust CustomerRef, spec ExportManifestSpec) (*ExportManifest, error) {
	p, err := customerPath(cust, "export_manifests")
	if err != nil {
		return nil, err
	}
	return sendJSON[ExportManifest](ctx, c, http.MethodPost, p, manifestBody{spec})
}

// DeleteExportManifest deletes a manifest.
//
// DELETE /managed_users/:id/export_manifests/:manifest_id — https://docs.workato.com/oem/oem-api/recipe-lifecycle-management.html
func (c *Client) DeleteExportManifest(ctx context.Context, cust CustomerRef, manifestID int64) error {
	p, err := customerPath(cust, "export_manifests", itoa(manifestID))
	if err != nil {
		return err
	}
	return c.do(ctx, &request{method: http.MethodDelete, path: p}, nil)
}

// Export is a package export and its progress. DownloadURL is set once
// Status is completed; it may be relative to the API's origin.
type Export struct {
	ID               int64  `json:"id"`
	OperationType    string `json:"operation_type,omitempty"`
	Status           string `json:"status"`
	Error            string `json:"error,omitempty"`
	ExportManifestID int64  `json:"export_manifest_id,omitempty"`
	DownloadURL      string `json:"download_url,omitempty"`
}

// StartExport builds a package from a manifest. It runs asynchronously:
// follow it with WaitExport.
//
// POST /managed_users/:id/exports/:manifest_id — https://docs.workato.com/oem/oem-api/recipe-lifecycle-management.html
func (c *Client) StartExport(ctx context.Context, cust CustomerRef, manifestID int64) (*Export, error) {
	p, err := customerPath(cust, "exports", itoa(manifestID))
	if err != nil {
		return nil, err
	}
	var out Export
	if err := c.do(ctx, &request{method: http.MethodPost, path: p}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetExport returns the state of an export.
//
// GET /managed_users/:id/exports/:package_id — https://docs.workato.com/oem/oem-api/recipe-lifecycle-management.html
func (c *Client) GetExport(ctx context.Context, cust CustomerRef, exportID int64) (*Export, error) {
	p, err := customerPath(cust, "exports", itoa(exportID))
	if err != nil {
		return nil, err
	}
	var out Export
	if err := c.do(ctx, &request{method: http.MethodGet, path: p}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ExportError is an export that failed, or that completed without a
// download_url.
type ExportError struct {
	ID      int64
	Status  string
	Message string // the server's "error" text, scrubbed
}

func (e *ExportError) Error() string {
	msg := fmt.Sprintf("workato: export %d %s", e.ID, e.Status)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// WaitExport polls an export every interval until it completes or fails,
// or timeout passes (zero: only ctx bounds it). in_progress, processing,
// queued and pending mean "still running" (the reference documents only
// in_progress, completed and failed for packages; the others are
// tolerated as Workato's import spec lists processing); any other status
// is an *ExportError rather than a poll until the timeout.
func (c *Client) WaitExport(ctx context.Context, cust CustomerRef, exportID int64, interval, timeout time.Duration) (*Export, error) {
	if interval <= 0 {
		interval = 3 * time.Second
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	for {
		exp, err := c.GetExport(ctx, cust, exportID)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return nil, fmt.Errorf("workato: export %d: still running after %v: %w", exportID, timeout, err)
			}
			return nil, err
		}
		switch exp.Status {
		case "in_progress", "processing", "queued", "pending":
		case "completed":
			if exp.DownloadURL == "" {
				return exp, &ExportError{ID: exp.ID, Status: exp.Status, Message: "no download_url"}
			}
			return exp, nil
		default:
			return exp, &ExportError{ID: exp.ID, Status: exp.Status, Message: c.scrub.String(exp.Error)}
		}
		if err := sleepCtx(ctx, interval); err != nil {
			return nil, fmt.Errorf("workato: export %d: still %s after %v: %w", exportID, exp.Status, timeout, err)
		}
	}
}
