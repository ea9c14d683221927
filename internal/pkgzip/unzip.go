package pkgzip

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Modes of everything Unzip writes: fixed, whatever the zip says, so that
// a pulled tree is the same on every machine and Git sees no mode churn.
const (
	fileMode = 0o644
	dirMode  = 0o755
)

// Unzip replaces dir with the files of a package zip and returns the
// package's canonical form. The zip is checked as FromZip checks it (no
// zip slip, absolute paths, symlinks, duplicates, or more than the size
// and entry limits), and further refused when it could not be written
// faithfully: hidden entries (Build leaves them out, so the digest would
// change), a name that is both a file and a directory, and names that
// differ only in case (they collide on macOS and Windows). So the same
// zip always yields the same tree, and Build(dir) yields Digest.
//
// The tree is written to a temporary directory beside dir and then moved
// into place; an existing dir is moved aside first and removed after, so
// files that left the package leave dir too. A failure before the move
// leaves dir as it was. Anything in dir that is not in the zip, hidden
// files included, is gone afterwards: dir belongs to the package.
func Unzip(data []byte, dir string) (*Package, error) {
	entries, err := readZip(data)
	if err != nil {
		return nil, err
	}
	if err := checkWritable(entries); err != nil {
		return nil, err
	}
	pkg, err := canonical(entries) // sorts entries by name
	if err != nil {
		return nil, err
	}
	if st, err := os.Lstat(dir); err == nil && !st.IsDir() {
		return nil, fmt.Errorf("%s exists and is not a directory", dir)
	}
	parent, base := filepath.Split(filepath.Clean(dir))
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, dirMode); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".new-*")
	if err != nil {
		return nil, err
	}
	if err := writeEntries(tmp, entries); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	if err := swapDir(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return pkg, nil
}

// checkWritable refuses entries that a directory cannot hold faithfully.
// Names are already clean (CleanName) and unique.
func checkWritable(entries []entry) error {
	files := map[string]bool{}
	folded := map[string]string{} // lower-cased file or directory path -> as written
	for _, e := range entries {
		files[e.name] = true
	}
	for _, e := range entries {
		for _, seg := range strings.Split(e.name, "/") {
			if strings.HasPrefix(seg, ".") {
				return fmt.Errorf("zip entry %q is hidden (a name starting with '.'); a package directory leaves hidden files out", e.name)
			}
		}
		for p := e.name; p != "."; p = path.Dir(p) {
			if p != e.name && files[p] {
				return fmt.Errorf("zip entry %q needs %q to be a directory, but it is also a file", e.name, p)
			}
			low := strings.ToLower(p)
			if prev, ok := folded[low]; ok && prev != p {
				return fmt.Errorf("zip entries %q and %q differ only in case", prev, p)
			}
			folded[low] = p
		}
	}
	return nil
}

// writeEntries creates every file under root with fixed modes. Chmod
// after creation makes the modes independent of the umask.
func writeEntries(root string, entries []entry) error {
	if err := os.Chmod(root, dirMode); err != nil {
		return err
	}
	made := map[string]bool{".": true}
	for _, e := range entries {
		if err := mkdirs(root, path.Dir(e.name), made); err != nil {
			return err
		}
		p := filepath.Join(root, filepath.FromSlash(e.name))
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode)
		if err != nil {
			return err
		}
		_, err = f.Write(e.data)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chmod(p, fileMode)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func mkdirs(root, dir string, made map[string]bool) error {
	if made[dir] {
		return nil
	}
	if err := mkdirs(root, path.Dir(dir), made); err != nil {
		return err
	}
	p := filepath.Join(root, filepath.FromSlash(dir))
	if err := os.Mkdir(p, dirMode); err != nil {
		return err
	}
	made[dir] = true
	return os.Chmod(p, dirMode)
}

// swapDir moves tmp to dir. When dir exists (os.Rename refuses to replace
// a directory, even an empty one) it is renamed aside first and
// put back if the second rename fails; a crash between the two renames
// leaves the old tree beside dir as .<name>.old-*, never a half-written
// dir. (An atomic exchange needs renameat2, which the standard library
// does not offer.)
func swapDir(tmp, dir string) error {
	err := os.Rename(tmp, dir)
	if err == nil {
		return nil
	}
	if _, serr := os.Lstat(dir); serr != nil {
		return err // dir does not exist: the rename failed for another reason
	}
	parent, base := filepath.Split(filepath.Clean(dir))
	if parent == "" {
		parent = "."
	}
	// MkdirTemp picks an unused name; os.Rename will not replace even an
	// empty directory, so the one it made is removed first.
	old, err := os.MkdirTemp(parent, "."+base+".old-*")
	if err != nil {
		return err
	}
	if err := os.Remove(old); err != nil {
		return err
	}
	if err := os.Rename(dir, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if rerr := os.Rename(old, dir); rerr != nil {
			return fmt.Errorf("%w; the previous %s is in %s", err, dir, old)
		}
		return err
	}
	return removeAll(old)
}

// removeAll removes the old tree; directories Unzip did not write may be
// read-only, so it makes them writable first.
func removeAll(p string) error {
	err := os.RemoveAll(p)
	if err == nil || !errors.Is(err, fs.ErrPermission) {
		return err
	}
	filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(q, 0o700)
		}
		return nil
	})
	return os.RemoveAll(p)
}
