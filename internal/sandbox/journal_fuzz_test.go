package sandbox

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzReadState: a state file is read back from disk, where anything may
// have written it (a crash, a hand edit, another tool). Reading it and
// building the sandbox's world from it give a state or an error, never a
// panic.
func FuzzReadState(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("..", "..", "testdata", "export", "seed.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"format_version":1,"customers":[]}` + "\n" + `{"customers":[{"id":5}]}` + "\n"))
	f.Add([]byte(`{"format_version":1,"customers":[{"id":1,"external_id":"E1"}]}` + "\n" + `{"customers":[{"id":1`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "state.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := ReadState(path)
		if err != nil {
			return
		}
		_, _ = buildWorld(st, time.Unix(1_800_000_000, 0))
	})
}
