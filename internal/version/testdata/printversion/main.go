// Command printversion prints version.Get(), for TestLdflags.
package main

import (
	"fmt"

	"github.com/workato-gitops/workato-gitops/internal/version"
)

func main() { fmt.Print(version.Get()) }
