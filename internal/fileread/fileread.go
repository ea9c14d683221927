// Package fileread reads files from outside the program (manifests, the
// config, package files) with their limits checked before any byte is
// read: only a regular file is opened, its size is checked against the
// limit from its metadata, and the read itself is bounded, so that a FIFO
// cannot hang the reader and a 6 GB file costs nothing but its stat.
package fileread

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is wrapped by the error for a path that is not a regular
// file (a FIFO, a device, a socket, a directory).
var ErrNotRegular = errors.New("not a regular file")

// TooLargeError is a file over the limit. Size is what its metadata says,
// or Max+1 when it grew past the limit while being read.
type TooLargeError struct {
	Path      string
	Size, Max int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is %d bytes, over the %d-byte limit", e.Path, e.Size, e.Max)
}

// Regular reads the regular file at path, following a symbolic link, if
// it holds at most max bytes.
func Regular(path string, max int64) ([]byte, error) { return read(path, max, true) }

// NoFollow is Regular for a path that must not be a symbolic link: one is
// refused, even if it replaces the file between the caller's walk and the
// open.
func NoFollow(path string, max int64) ([]byte, error) { return read(path, max, false) }

func read(path string, max int64, follow bool) ([]byte, error) {
	stat, flags := os.Stat, os.O_RDONLY|openFlags
	if !follow {
		stat, flags = os.Lstat, flags|noFollowFlag
	}
	st, err := stat(path)
	if err != nil {
		return nil, err
	}
	if err := check(path, st, max); err != nil {
		return nil, err
	}
	// Non-blocking, so that a file swapped for a FIFO after the check
	// cannot hang the open; regular files ignore the flag.
	f, err := os.OpenFile(path, flags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := check(path, st, max); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, &TooLargeError{Path: path, Size: max + 1, Max: max}
	}
	return data, nil
}

// Check reports whether a file's metadata admits reading it: a regular
// file of at most max bytes.
func Check(path string, st fs.FileInfo, max int64) error { return check(path, st, max) }

func check(path string, st fs.FileInfo, max int64) error {
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s: %w", path, ErrNotRegular)
	}
	if st.Size() > max {
		return &TooLargeError{Path: path, Size: st.Size(), Max: max}
	}
	return nil
}
