package spec

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/google/shlex"

	"github.com/workato-gitops/workato-gitops/internal/fileread"
)

// ReadManifest reads one manifest file a command names, through the
// manifest size limit, with its permissions, so that the file written in
// its place keeps them.
func ReadManifest(file string) ([]byte, os.FileMode, error) {
	st, err := os.Stat(file)
	switch {
	case err != nil:
		return nil, 0, errors.New("no such file")
	case !st.Mode().IsRegular():
		return nil, 0, errors.New("not a regular file")
	case st.Size() > DefaultMaxFileSize:
		return nil, 0, fmt.Errorf("larger than the %d-byte limit for manifests", DefaultMaxFileSize)
	}
	// Read through the same bounds again: the file may have changed (grown,
	// or been replaced by a FIFO) since the Stat.
	data, err := fileread.Regular(file, DefaultMaxFileSize)
	if err != nil {
		return nil, 0, errors.New("cannot read")
	}
	return data, st.Mode().Perm(), nil
}

// Stdio is the terminal an editor runs on.
type Stdio struct {
	In       io.Reader
	Out, Err io.Writer
}

// EditInTemp writes text to a 0600 file called name in a private
// directory, runs the editor command line on it (split into words as a
// shell would, without a shell) and returns what the editor left there,
// through the manifest size limit; the directory is removed before
// returning, whatever happens.
func EditInTemp(name string, text []byte, editor string, stdio Stdio) ([]byte, error) {
	args, err := shlex.Split(editor)
	if err != nil || len(args) == 0 {
		return nil, errors.New("EDITOR is not a command line")
	}
	dir, err := os.MkdirTemp("", "workato-gitops-edit-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, err
	}
	tmp := filepath.Join(dir, name)
	if err := os.WriteFile(tmp, text, 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(args[0], append(args[1:], tmp)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdio.In, stdio.Out, stdio.Err
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("the editor failed (%s); nothing was changed", args[0])
	}
	st, err := os.Stat(tmp)
	if err != nil || st.Size() > DefaultMaxFileSize {
		return nil, errors.New("the edited file is gone or too large; nothing was changed")
	}
	return os.ReadFile(tmp)
}
