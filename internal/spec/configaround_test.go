package spec

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/workato-gitops/workato-gitops/schemas"
)

// TestConfigAround: the config of the repository a directory is in, found
// upwards as FindRepository finds it; the defaults outside any repository
// and when the config does not load.
func TestConfigAround(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"repo/tenants", "broken", "plain"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(t, dir, "repo/"+ConfigFile, []byte("apiVersion: workato-gitops/v1\nkind: Config\napi:\n  url: https://app.eu.workato.com/api\n"))
	write(t, dir, "repo/tenants/README", []byte("manifests go here\n"))
	write(t, dir, "broken/"+ConfigFile, []byte("api: [\n"))
	write(t, dir, "plain/README", []byte("no config here\n"))
	cases := []struct{ dir, wantURL string }{
		{"repo", "https://app.eu.workato.com/api"},
		{"repo/tenants", "https://app.eu.workato.com/api"},
		{"plain", ""},
		{"broken", ""},
		{"missing", ""},
	}
	for _, tc := range cases {
		if got := ConfigAround(filepath.Join(dir, tc.dir), schemas.FS); got.APIURL != tc.wantURL {
			t.Errorf("%s: api.url %q, want %q", tc.dir, got.APIURL, tc.wantURL)
		}
	}
}
