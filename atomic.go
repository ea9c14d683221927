package main

import "github.com/workato-gitops/workato-gitops/internal/atomicfile"

// atomicWrite replaces a file whole: see atomicfile.Write.
var atomicWrite = atomicfile.Write
