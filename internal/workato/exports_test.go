package workato

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestExportEndpoints(t *testing.T) {
	acme := ByExternalID("A2300")
	const js = "application/json"
	created := ts(t, "2024-05-01T10:00:00.000Z")
	manifestJSON := `{"id": 31, "name": "pull Integrations/Sync", "last_exported_at": null, "created_at": "2024-05-01T10:00:00.000Z",
		"updated_at": "2024-05-01T10:00:00.000Z", "deleted_at": null, "project_path": "Integrations", "status": "working"}`
	manifest := &ExportManifest{ID: 31, Name: "pull Integrations/Sync", ProjectPath: "Integrations", Status: "working", CreatedAt: created, UpdatedAt: created}
	spec := ExportManifestSpec{Name: "pull Integrations/Sync", FolderID: 4515, AutoGenerateAssets: true, IncludeTags: true,
		Assets: []ExportAsset{{ID: NewAssetID(12), Type: "recipe", Checked: true, Version: ptr(3), ZipName: "sync.recipe.json"}}}
	specJSON := `{"export_manifest": {"name": "pull Integrations/Sync", "folder_id": 4515, "auto_generate_assets": true,
		"include_data": false, "include_tags": true, "include_test_cases": false,
		"assets": [{"id": 12, "type": "recipe", "checked": true, "version": 3, "folder": "", "root_folder": false,
			"unreachable": false, "zip_name": "sync.recipe.json"}]}}`
	cases := []endpointCase{
		{
			name: "FolderAssets tolerates unknown types and string ids",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.FolderAssets(ctx, acme, 4515, FolderAssetsOptions{IncludeTestCases: true, IncludeData: true})
			},
			method: "GET", path: "/api/managed_users/EA2300/export_manifests/folder_assets",
			query: url.Values{"folder_id": {"4515"}, "include_test_cases": {"true"}, "include_data": {"true"}},
			reply: `{"result": {"assets": [
				{"id": 12, "name": "Sync", "type": "recipe", "version": 3, "folder": "", "absolute_path": "All projects/Integrations/Sync",
				 "root_folder": false, "unreachable": false, "zip_name": "sync.recipe.json", "checked": true},
				{"id": "gen-7", "name": "Helper", "type": "agentic_genie", "folder": "Sub", "zip_name": "Sub/helper.agentic_genie.json",
				 "checked": true, "some_new_field": {"x": 1}}]}}`,
			want: []ExportAsset{
				{ID: NewAssetID(12), Name: "Sync", Type: "recipe", Version: ptr(3), AbsolutePath: "All projects/Integrations/Sync", ZipName: "sync.recipe.json", Checked: true},
				{ID: AssetID{raw: []byte(`"gen-7"`)}, Name: "Helper", Type: "agentic_genie", Folder: "Sub", ZipName: "Sub/helper.agentic_genie.json", Checked: true},
			},
		},
		{
			name: "CreateExportManifest",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateExportManifest(ctx, acme, spec)
			},
			method: "POST", path: "/api/managed_users/EA2300/export_manifests", contentType: js,
			body: specJSON, reply: `{"result": ` + manifestJSON + `}`, want: manifest,
		},
		{
			name:   "DeleteExportManifest",
			call:   func(ctx context.Context, c *Client) (any, error) { return nil, c.DeleteExportManifest(ctx, acme, 31) },
			method: "DELETE", path: "/api/managed_users/EA2300/export_manifests/31",
			reply: `{"success": true}`, want: nil,
		},
		{
			name:   "StartExport",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.StartExport(ctx, acme, 31) },
			method: "POST", path: "/api/managed_users/EA2300/exports/31",
			reply: `{"id": 77, "operation_type": "export", "status": "in_progress", "export_manifest_id": 31, "download_url": null}`,
			want:  &Export{ID: 77, OperationType: "export", Status: "in_progress", ExportManifestID: 31},
		},
		{
			name:   "GetExport",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.GetExport(ctx, ByID(98178), 77) },
			method: "GET", path: "/api/managed_users/98178/exports/77",
			reply: `{"result": {"id": 77, "operation_type": "export", "status": "completed", "export_manifest_id": 31,
				"download_url": "https://packages.example/77.zip?sig=abc"}}`,
			want: &Export{ID: 77, OperationType: "export", Status: "completed", ExportManifestID: 31, DownloadURL: "https://packages.example/77.zip?sig=abc"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, replyJSON(t, http.StatusOK, tc.reply))
			c := newTestClient(t, s, nil)
			got, err := tc.call(context.Background(), c)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("decoded value mismatch (-want +got):\n%s", diff)
			}
			reqs := s.requests()
			if len(reqs) != 1 {
				t.Fatalf("got %d requests, want 1", len(reqs))
			}
			checkRequest(t, tc, reqs[0])
		})
	}
}

func TestExportErrorsAreTyped(t *testing.T) {
	s := newServer(t, replyJSON(t, http.StatusNotFound, `{"message": "Not found"}`))
	c := newTestClient(t, s, nil)
	_, err := c.FolderAssets(context.Background(), ByID(1), 5, FolderAssetsOptions{})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrNotFound) {
		t.Fatalf("got %v, want a 404 *APIError", err)
	}
	s = newServer(t, replyJSON(t, http.StatusOK, `{"success": false, "message": "Folder is empty"}`))
	c = newTestClient(t, s, nil)
	if _, err := c.CreateExportManifest(context.Background(), ByID(1), ExportManifestSpec{Name: "x", FolderID: 5}); !errors.Is(err, ErrRefused) {
		t.Fatalf("got %v, want ErrRefused", err)
	}
}

func TestWaitExport(t *testing.T) {
	tests := []struct {
		name    string
		replies []string
		wantErr string
		wantURL string
	}{
		{"completes", []string{`{"id": 7, "status": "in_progress"}`, `{"id": 7, "status": "processing"}`,
			`{"id": 7, "status": "completed", "download_url": "/api/x"}`}, "", "/api/x"},
		{"fails", []string{`{"id": 7, "status": "in_progress"}`, `{"id": 7, "status": "failed", "error": "Recipe is invalid"}`},
			"workato: export 7 failed: Recipe is invalid", ""},
		{"completed without a url", []string{`{"id": 7, "status": "completed"}`}, "workato: export 7 completed: no download_url", ""},
		{"unknown status is final", []string{`{"id": 7, "status": "exploded"}`}, "workato: export 7 exploded", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, func(w http.ResponseWriter, r *http.Request, attempt int) {
				w.Write([]byte(tt.replies[min(attempt, len(tt.replies))-1]))
			})
			c := newTestClient(t, s, nil)
			exp, err := c.WaitExport(context.Background(), ByID(1), 7, time.Millisecond, time.Minute)
			if tt.wantErr != "" {
				var ee *ExportError
				if !errors.As(err, &ee) || err.Error() != tt.wantErr {
					t.Fatalf("got %v, want *ExportError %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || exp.DownloadURL != tt.wantURL {
				t.Fatalf("got %+v, %v", exp, err)
			}
			if n := len(s.requests()); n != len(tt.replies) {
				t.Errorf("%d polls, want %d", n, len(tt.replies))
			}
		})
	}
	s := newServer(t, replyJSON(t, http.StatusOK, `{"id": 7, "status": "in_progress"}`))
	c := newTestClient(t, s, nil)
	if _, err := c.WaitExport(context.Background(), ByID(1), 7, time.Millisecond, 20*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want a timeout", err)
	}
}

// host is a second test server, standing in for a download host (object
// storage) on another origin.
type host struct {
	*httptest.Server
	mu   sync.Mutex
	seen []http.Header
}

func newHost(t *testing.T, h http.HandlerFunc) *host {
	hs := &host{}
	hs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hs.mu.Lock()
		hs.seen = append(hs.seen, r.Header.Clone())
		hs.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(hs.Close)
	return hs
}

func (h *host) headers() []http.Header {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]http.Header(nil), h.seen...)
}

var zipBytes = []byte("PK\x03\x04 a package \x00\xff")

func TestDownloadFromTheAPI(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, attempt int) {
		switch r.URL.Path {
		case "/api/managed_users/1/exports/7/download":
			http.Redirect(w, r, "/api/blobs/7?sig=secret-signature", http.StatusFound)
		case "/api/blobs/7":
			if attempt == 2 {
				w.WriteHeader(http.StatusBadGateway) // retried
				return
			}
			w.Write(zipBytes)
		}
	})
	var debug bytes.Buffer
	c := newTestClient(t, s, func(cfg *Config) {
		cfg.LegacyEmail, cfg.LegacyToken = "a@b.example", testLegacyToken
		cfg.Debug = &debug
	})
	got, err := c.DownloadPackage(context.Background(), "/api/managed_users/1/exports/7/download")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, zipBytes) {
		t.Errorf("got %q", got)
	}
	reqs := s.requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4 (redirect, 502, redirect, zip)", len(reqs))
	}
	for _, r := range reqs {
		if r.Header.Get("Authorization") != "Bearer "+testToken || r.Header.Get("X-User-Token") != testLegacyToken {
			t.Errorf("%s: the API origin did not get the credentials", r.Path)
		}
	}
	if strings.Contains(debug.String(), "secret-signature") || !strings.Contains(debug.String(), "/api/blobs/7 200") {
		t.Errorf("debug log:\n%s", &debug)
	}
}

// A download_url on another origin (pre-signed storage) gets no
// credentials, even when the client has legacy headers, and may redirect
// within its own origin or back to the API.
func TestDownloadFromAnotherHostSendsNoToken(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, attempt int) { w.Write(zipBytes) })
	storage := newHost(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/first" {
			http.Redirect(w, r, "/pkg.zip?sig=2", http.StatusFound)
			return
		}
		http.Redirect(w, r, s.URL+"/api/back", http.StatusFound)
	})
	c := newTestClient(t, s, func(cfg *Config) { cfg.LegacyEmail, cfg.LegacyToken = "a@b.example", testLegacyToken })
	got, err := c.DownloadPackage(context.Background(), storage.URL+"/first?sig=1")
	if err != nil || !bytes.Equal(got, zipBytes) {
		t.Fatalf("got %q, %v", got, err)
	}
	hs := storage.headers()
	if len(hs) != 2 {
		t.Fatalf("download host saw %d requests, want 2", len(hs))
	}
	for _, h := range hs {
		if h.Get("Authorization")+h.Get("X-User-Token")+h.Get("X-User-Email") != "" {
			t.Errorf("credentials sent to the download host: %v", h)
		}
	}
	if r := s.requests(); len(r) != 1 || r[0].Header.Get("Authorization") != "Bearer "+testToken {
		t.Errorf("the API origin: %+v", r)
	}
}

func TestDownloadRefusesOtherRedirects(t *testing.T) {
	third := newHost(t, func(w http.ResponseWriter, r *http.Request) { w.Write(zipBytes) })
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, attempt int) {
		http.Redirect(w, r, third.URL+"/steal?sig=secret-signature", http.StatusFound)
	})
	c := newTestClient(t, s, nil)
	_, err := c.DownloadPackage(context.Background(), s.URL+"/api/managed_users/1/exports/7/download")
	var re *RedirectError
	if !errors.As(err, &re) || re.To != originOf(mustParse(t, third.URL)) {
		t.Fatalf("got %v, want a *RedirectError to the third host", err)
	}
	if strings.Contains(err.Error(), "secret-signature") || strings.Contains(err.Error(), testToken) {
		t.Errorf("error leaks: %v", err)
	}
	if len(third.headers()) != 0 {
		t.Error("the third host was contacted")
	}
	if n := len(s.requests()); n != 1 {
		t.Errorf("%d requests; a refused redirect is not retried", n)
	}
}

func TestDownloadRefusals(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, attempt int) {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"message": "Forbidden %s"}`, r.Header.Get("Authorization"))
	})
	c := newTestClient(t, s, nil)
	for _, tc := range []struct{ url, want string }{
		{"http://packages.example/p.zip?sig=secret-signature", "refusing plain http to another host"},
		{"ftp://packages.example/p.zip", "want an http(s) URL"},
		{"https://user:pw@packages.example/p.zip", "must not carry credentials"},
		{"/api/managed_users/1/exports/7/download?sig=secret-signature", "403 Forbidden"},
	} {
		_, err := c.DownloadPackage(context.Background(), tc.url)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.url, err, tc.want)
			continue
		}
		for _, secret := range []string{"secret-signature", testToken, "pw@"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("%s: error leaks %q: %v", tc.url, secret, err)
			}
		}
	}
	if !errors.Is(func() error { _, err := c.DownloadPackage(context.Background(), "/api/x"); return err }(), ErrAuth) {
		t.Error("a 403 is not ErrAuth")
	}
}

func TestOriginOf(t *testing.T) {
	for in, want := range map[string]string{
		"https://WWW.Workato.com:443/api": "https://www.workato.com",
		"http://127.0.0.1:8080/x":         "http://127.0.0.1:8080",
		"http://[::1]:80/":                "http://[::1]",
	} {
		if got := originOf(mustParse(t, in)); got != want {
			t.Errorf("originOf(%s) = %s, want %s", in, got, want)
		}
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
