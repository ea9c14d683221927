package fileread

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
)

func TestRegular(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	os.WriteFile(small, []byte("hello"), 0o644)
	if data, err := Regular(small, 5); err != nil || string(data) != "hello" {
		t.Errorf("small file: %q %v", data, err)
	}
	var tl *TooLargeError
	if _, err := Regular(small, 4); !errors.As(err, &tl) || tl.Size != 5 {
		t.Errorf("over the limit: %v", err)
	}
	if _, err := Regular(dir, 1<<20); !errors.Is(err, ErrNotRegular) {
		t.Errorf("a directory: %v", err)
	}
}

// A FIFO is refused without being opened: opening it for reading would
// block until a writer came, forever.
func TestFIFORefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skip(err)
	}
	if _, err := Regular(p, 1<<20); !errors.Is(err, ErrNotRegular) {
		t.Errorf("a FIFO: %v", err)
	}
}

// A huge file over the limit is refused from its metadata: reading it
// allocates nothing like its size.
func TestHugeFileNotRead(t *testing.T) {
	p := filepath.Join(t.TempDir(), "huge")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(6 << 30); err != nil { // sparse: no disk used
		t.Skip(err)
	}
	f.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = Regular(p, 100<<20)
	runtime.ReadMemStats(&after)
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Size != 6<<30 {
		t.Errorf("err = %v", err)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 1<<20 {
		t.Errorf("refusing the file allocated %d bytes", grown)
	}
}

func TestNoFollow(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	os.WriteFile(target, []byte("secret"), 0o644)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Skip(err)
	}
	if _, err := NoFollow(link, 1<<20); !errors.Is(err, ErrNotRegular) {
		t.Errorf("NoFollow through a link: %v", err)
	}
	if data, err := Regular(link, 1<<20); err != nil || string(data) != "secret" {
		t.Errorf("Regular through a link: %q %v", data, err)
	}
}
