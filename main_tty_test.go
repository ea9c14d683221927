package main

import (
	"os"
	"testing"
)

// TestDevNullIsNotATerminal: /dev/null is a character device, which the
// file mode once mistook for a terminal, so apply asked for confirmation
// on a stdin that could never answer.
func TestDevNullIsNotATerminal(t *testing.T) {
	t.Parallel()
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Errorf("%s is taken for a terminal", os.DevNull)
	}
}
