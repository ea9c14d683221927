// Package atomicfile writes files so that readers see the old file or the
// whole new one, never a part. It owns nothing else.
package atomicfile

import (
	"io"
	"os"
	"path/filepath"
)

// Write writes path through a temporary file in the same directory and
// renames it into place; on any error the temporary file is removed and
// path is left as it was.
func Write(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// WriteMode is Write with data, the new file getting permissions perm:
// a rewritten file keeps the old one's.
func WriteMode(path string, perm os.FileMode, data []byte) error {
	return Write(path, func(w io.Writer) error {
		if f, ok := w.(*os.File); ok {
			if err := f.Chmod(perm); err != nil {
				return err
			}
		}
		_, err := w.Write(data)
		return err
	})
}
