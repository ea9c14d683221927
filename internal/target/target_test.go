package target

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/spec"
)

func TestResolve(t *testing.T) {
	cfgURL := spec.Config{Pos: spec.Pos{File: "w.yaml"}, APIURL: "sandbox:sb.json"}
	cfgDC := spec.Config{Pos: spec.Pos{File: "w.yaml"}, DataCenter: "eu"}
	cases := []struct {
		name       string
		env        Env
		cfg        spec.Config
		base, from string
	}{
		{"default", Env{}, spec.Config{}, "https://www.workato.com/api", "the default; set WORKATO_API_URL or WORKATO_DATA_CENTER for another data center"},
		{"config url", Env{}, cfgURL, "sandbox:sb.json", "api.url in w.yaml"},
		{"config data center", Env{}, cfgDC, "https://app.eu.workato.com/api", "api.dataCenter: eu in w.yaml"},
		{"env data center beats config", Env{DataCenter: "jp"}, cfgURL, "https://app.jp.workato.com/api", "WORKATO_DATA_CENTER=jp"},
		{"env url beats all", Env{APIURL: "http://127.0.0.1:1/api", DataCenter: "jp"}, cfgDC, "http://127.0.0.1:1/api", "WORKATO_API_URL"},
	}
	for _, tc := range cases {
		got, err := Resolve(tc.env, tc.cfg)
		if err != nil || got.Base != tc.base || got.Source != tc.from {
			t.Errorf("%s: got %+v, %v; want %s from %q", tc.name, got, err, tc.base, tc.from)
		}
	}
	if _, err := Resolve(Env{}, spec.Config{Pos: spec.Pos{File: "w.yaml"}, DataCenter: "mars"}); err == nil {
		t.Error("an unknown data center resolved")
	}
}

func TestClient(t *testing.T) {
	if _, err := Client(Target{Base: "https://www.workato.com/api"}, "", spec.Config{}, Options{}); !errors.Is(err, ErrNoToken) {
		t.Errorf("no token: %v, want ErrNoToken", err)
	}
	if _, err := Client(Target{Base: "sandbox:"}, "", spec.Config{}, Options{}); err == nil {
		t.Error("sandbox: with no path built a client")
	}
	sb := Target{Base: SandboxScheme + filepath.Join(t.TempDir(), "sb.json")}
	if _, err := Client(sb, "", spec.Config{}, Options{}); err != nil {
		t.Errorf("sandbox needs no token: %v", err)
	}
}
