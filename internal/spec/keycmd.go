package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"

	"github.com/google/shlex"
)

// RunKeyCommand is the KeyEnv.Run that runs the commands
// SOPS_AGE_KEY_CMD and SOPS_AGE_SSH_PRIVATE_KEY_CMD name: split into
// words as a shell would, without a shell. The command's standard error is
// dropped, as sops drops it, since it could echo key material (a password
// manager prompts on /dev/tty, not there); its output is bounded just past
// what CollectKeys accepts, so that it sees an oversize one and refuses.
func RunKeyCommand(command string) ([]byte, error) {
	args, err := shlex.Split(command)
	if err != nil || len(args) == 0 {
		return nil, errors.New("not a command line")
	}
	cmd := exec.Command(args[0], args[1:]...)
	var out bytes.Buffer
	cmd.Stdout = &limitWriter{w: &out, n: maxKeySource + 1}
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("%s exited with status %d", args[0], ee.ExitCode())
		}
		return nil, fmt.Errorf("cannot run %s", args[0])
	}
	return out.Bytes(), nil
}

// limitWriter keeps at most n bytes and drops the rest, so that a
// runaway command cannot fill memory; the caller sees n bytes and refuses.
type limitWriter struct {
	w io.Writer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.n <= 0 {
		return len(p), nil
	}
	k := min(len(p), l.n)
	l.n -= k
	if _, err := l.w.Write(p[:k]); err != nil {
		return 0, err
	}
	return len(p), nil
}
