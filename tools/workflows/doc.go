// Package workflows tests the shell scripts the GitHub Actions workflows
// run (.github/scripts), with git and gh replaced on PATH by stubs that
// answer from files, so each decision a script makes is checked without
// GitHub. It has no code of its own.
package workflows
