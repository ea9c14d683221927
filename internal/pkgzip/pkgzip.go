// Package pkgzip turns a recipe package (an unzipped directory or a .zip)
// into the canonical zip that is digested and uploaded: entries sorted by
// name, stored uncompressed, with fixed timestamps and modes, so the same
// tree always yields the same bytes and digest, whatever tool or machine
// made it. It refuses anything that could escape the import's target
// folder and anything over Workato's 100 MB package limit.
//
// It also unpacks a downloaded package into a directory (Unzip), under the
// same rules. It reads and writes files; it does not talk to Workato.
package pkgzip

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/workato-gitops/workato-gitops/internal/fileread"
)

// Limits that keep a hostile or mistaken package from exhausting memory.
const (
	MaxSize    = 100 << 20 // Workato's limit on an imported package
	MaxEntries = 10000
)

// maxSize is MaxSize; tests lower it to check the limit quickly.
var maxSize int64 = MaxSize

// modTime is the fixed timestamp of every entry (the earliest a zip can
// hold).
var modTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Package is a canonical package zip and its digest.
type Package struct {
	Zip    []byte
	Digest string // "sha256:<hex>" of Zip
}

type entry struct {
	name string
	data []byte
}

// Build reads src, a directory or a .zip file, and returns its canonical
// zip. Hidden files and directories (".git", ".DS_Store") in a directory
// are left out; symbolic links are refused.
func Build(src string) (*Package, error) {
	st, err := os.Stat(src)
	if err != nil {
		return nil, err
	}
	var entries []entry
	if st.IsDir() {
		entries, err = readDir(src)
	} else {
		var data []byte
		if data, err = fileread.Regular(src, maxSize); err == nil {
			entries, err = readZip(data)
		} else if tl := (*fileread.TooLargeError)(nil); errors.As(err, &tl) {
			err = fmt.Errorf("package %s is %d bytes, over the %d-byte limit", src, tl.Size, maxSize)
		}
	}
	if err != nil {
		return nil, err
	}
	return canonical(entries)
}

// FromZip canonicalises zip bytes from anywhere (a download, an upload).
func FromZip(data []byte) (*Package, error) {
	entries, err := readZip(data)
	if err != nil {
		return nil, err
	}
	return canonical(entries)
}

func readDir(root string) ([]entry, error) {
	var entries []entry
	var total int64
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == root {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			return fmt.Errorf("package %s: %s is a symbolic link; packages hold plain files only", root, filepath.ToSlash(rel))
		case d.IsDir():
			return nil
		case !d.Type().IsRegular():
			return fmt.Errorf("package %s: %s is not a regular file", root, filepath.ToSlash(rel))
		}
		if len(entries) >= MaxEntries {
			return fmt.Errorf("package %s has more than %d files", root, MaxEntries)
		}
		// Sized from its metadata before a byte is read, against what is
		// left of the package's budget.
		data, err := fileread.NoFollow(p, maxSize-total)
		if tl := (*fileread.TooLargeError)(nil); errors.As(err, &tl) {
			return fmt.Errorf("package %s is over the %d-byte limit (%s is %d bytes)", root, maxSize, filepath.ToSlash(rel), tl.Size)
		}
		if errors.Is(err, fileread.ErrNotRegular) {
			return fmt.Errorf("package %s: %s is not a regular file", root, filepath.ToSlash(rel))
		}
		if err != nil {
			return err
		}
		total += int64(len(data))
		entries = append(entries, entry{name: filepath.ToSlash(rel), data: data})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("package %s holds no files", root)
	}
	return entries, nil
}

// readZip reads every file of a zip, checking each name and bounding the
// total it inflates to.
func readZip(data []byte) ([]entry, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not a zip file: %v", err)
	}
	if len(zr.File) > MaxEntries {
		return nil, fmt.Errorf("zip has %d entries, more than %d", len(zr.File), MaxEntries)
	}
	var entries []entry
	seen := map[string]bool{}
	var total int64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		name, err := CleanName(f.Name)
		if err != nil {
			return nil, err
		}
		if seen[name] {
			return nil, fmt.Errorf("zip entry %q appears twice", name)
		}
		seen[name] = true
		if !f.Mode().IsRegular() {
			return nil, fmt.Errorf("zip entry %q is not a regular file", name)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("zip entry %q: %v", name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxSize-total+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("zip entry %q: %v", name, err)
		}
		if total += int64(len(b)); total > maxSize {
			return nil, fmt.Errorf("zip inflates to more than %d bytes", maxSize)
		}
		entries = append(entries, entry{name: name, data: b})
	}
	if len(entries) == 0 {
		return nil, errors.New("zip holds no files")
	}
	return entries, nil
}

// CleanName checks a zip entry name: relative, slash-separated, with no
// "..", no empty or "." segments and no backslashes, so that no entry can
// land outside the folder the package is imported into.
func CleanName(name string) (string, error) {
	bad := func(why string) (string, error) { return "", fmt.Errorf("zip entry %q %s", name, why) }
	switch {
	case name == "":
		return bad("has no name")
	case strings.ContainsRune(name, '\\'):
		return bad("contains a backslash")
	case strings.HasPrefix(name, "/") || (len(name) > 1 && name[1] == ':'):
		return bad("is an absolute path")
	case strings.ContainsRune(name, 0):
		return bad("contains a NUL byte")
	}
	for _, seg := range strings.Split(strings.TrimSuffix(name, "/"), "/") {
		if seg == ".." {
			return bad("leaves the package's folder")
		}
		if seg == "" || seg == "." {
			return bad("has an empty or '.' path segment")
		}
	}
	return path.Clean(name), nil
}

func canonical(entries []entry) (*Package, error) {
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Store, Modified: modTime}
		h.SetMode(0o644)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(buf.Bytes())
	return &Package{Zip: buf.Bytes(), Digest: "sha256:" + hex.EncodeToString(sum[:])}, nil
}
