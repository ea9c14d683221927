package main

import (
	"embed"
	"strings"
)

// The long help of each command is prose in help/COMMAND.txt, so that it
// reads and is reviewed as text; the Go files keep the flags.
//
//go:embed help/*.txt
var helpFiles embed.FS

// helpText is the long help of a command: help/NAME.txt without its final
// newline. A missing file is a programming error, caught by every test
// that builds the command tree.
func helpText(name string) string {
	b, err := helpFiles.ReadFile("help/" + name + ".txt")
	if err != nil {
		panic("internal: no help/" + name + ".txt")
	}
	return strings.TrimSuffix(string(b), "\n")
}
