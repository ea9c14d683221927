// Package workflows tests the shell scripts the GitHub Actions workflows
// run (.github/scripts), with git, gh and workato-gitops replaced on PATH
// by stubs that answer from files or from a fake GitHub in the test
// process (or on a real git repository), so each
// decision a script makes is checked without GitHub; and the workflows'
// structure (scopes, time box, follow-up rounds, pinned release) as
// parsed YAML. It has no code of its own.
package workflows
