package main

import (
	"io"
	"io/fs"
	"strings"
	"testing"

	"github.com/urfave/cli/v3"
)

// TestEveryHelpFileIsUsed: each help/*.txt is the long help of a command,
// so that none is left behind when a command is renamed or removed.
func TestEveryHelpFileIsUsed(t *testing.T) {
	used := map[string]bool{}
	var walk func(c *cli.Command)
	walk = func(c *cli.Command) {
		used[c.Description] = true
		for _, sub := range c.Commands {
			walk(sub)
		}
	}
	walk(newApp(env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}))
	files, err := fs.Glob(helpFiles, "help/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no help files: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "help/"), ".txt")
		if !used[helpText(name)] {
			t.Errorf("%s is no command's Description", f)
		}
	}
}
