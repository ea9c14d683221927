package pkgpull

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/pkgzip"
)

// Change is one file a pull added (+), changed (~) or removed (-).
type Change struct {
	Op   byte
	Name string
}

// Written says what Write did to the package directory.
type Written struct {
	Changed bool
	Digest  string   // the package's digest
	Files   int      // files now in the directory
	Changes []Change // sorted by name; none when unchanged
}

// DirError is a package directory that holds something no pull wrote: a
// pull replaces it only when forced.
type DirError struct {
	Dir string
	Err error
}

func (e *DirError) Error() string { return fmt.Sprintf("--out %s: %v", e.Dir, e.Err) }
func (e *DirError) Unwrap() error { return e.Err }

// Write unzips data into dir. An existing dir is replaced only when it is
// empty or already a package directory (plain files, nothing hidden that
// the swap would silently delete), or when force is set.
func Write(data []byte, dir string, force bool) (*Written, error) {
	pkg, err := pkgzip.FromZip(data)
	if err != nil {
		return nil, fmt.Errorf("the downloaded package: %w", err)
	}
	old, oldDigest, err := readPackageDir(dir)
	if err != nil && !force {
		return nil, &DirError{Dir: dir, Err: err}
	}
	if oldDigest == pkg.Digest {
		return &Written{Digest: pkg.Digest, Files: len(old)}, nil
	}
	written, err := pkgzip.Unzip(data, dir)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", dir, err)
	}
	cur, err := zipFileDigests(written.Zip)
	if err != nil {
		return nil, err
	}
	return &Written{Changed: true, Digest: written.Digest, Files: len(cur), Changes: changes(old, cur)}, nil
}

// readPackageDir returns the files (and digest) of an earlier pull in
// dir, nothing when dir does not exist or is empty, and an error when dir
// holds something a pull would not have written.
func readPackageDir(dir string) (map[string][32]byte, string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	if len(entries) == 0 {
		return nil, "", nil
	}
	hidden := ""
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && p != dir && strings.HasPrefix(d.Name(), ".") {
			hidden, _ = filepath.Rel(dir, p)
			return filepath.SkipAll
		}
		return nil
	})
	if hidden != "" {
		return nil, "", fmt.Errorf("holds %s, which is not part of any package and which a pull would delete", filepath.ToSlash(hidden))
	}
	p, err := pkgzip.Build(dir)
	if err != nil {
		return nil, "", fmt.Errorf("is not a package directory: %v", err)
	}
	files, err := zipFileDigests(p.Zip)
	return files, p.Digest, err
}

// zipFileDigests maps each file of a canonical zip to its content's hash.
func zipFileDigests(data []byte) (map[string][32]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	out := map[string][32]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		h := sha256.New()
		_, err = io.Copy(h, rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		out[f.Name] = [32]byte(h.Sum(nil))
	}
	return out, nil
}

// changes lists added, changed and removed files, sorted.
func changes(old, cur map[string][32]byte) []Change {
	var names []string
	for n := range cur {
		names = append(names, n)
	}
	for n := range old {
		if _, ok := cur[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var out []Change
	for _, n := range names {
		o, inOld := old[n]
		c, inCur := cur[n]
		switch {
		case !inOld:
			out = append(out, Change{'+', n})
		case !inCur:
			out = append(out, Change{'-', n})
		case o != c:
			out = append(out, Change{'~', n})
		}
	}
	return out
}
