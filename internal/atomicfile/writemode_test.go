package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteModeKeepsPermissions(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.yaml")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, perm := range []os.FileMode{0o640, 0o600} {
		if err := WriteMode(p, perm, []byte("new")); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != perm {
			t.Errorf("mode = %o, want %o", st.Mode().Perm(), perm)
		}
		if data, _ := os.ReadFile(p); string(data) != "new" {
			t.Errorf("content = %q", data)
		}
	}
}
