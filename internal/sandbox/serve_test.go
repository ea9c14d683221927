package sandbox

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestServeStopsWithTheContext(t *testing.T) {
	srv, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/api/managed_users")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve = %v, want nil after the context ends", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after the context ended")
	}
}

func TestLoadSeedFile(t *testing.T) {
	srv, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := srv.LoadSeedFile(filepath.Join(dir, "none.json")); err == nil || !strings.HasPrefix(err.Error(), "sandbox: seed: ") {
		t.Errorf("missing seed: error = %v", err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := srv.LoadSeedFile(bad); err == nil || !strings.HasPrefix(err.Error(), "sandbox: seed "+bad+": ") {
		t.Errorf("bad seed: error = %v", err)
	}
	good := filepath.Join(dir, "seed.json")
	if err := os.WriteFile(good, []byte(`{"customers":[{"external_id":"A1","name":"A","notification_email":"a@a.example"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := srv.LoadSeedFile(good); err != nil {
		t.Fatal(err)
	}
	if got := len(srv.Snapshot().Customers); got != 1 {
		t.Errorf("%d customers after the seed, want 1", got)
	}
}
