// Package completion is shell completion for the command tree: the
// scripts that ask the program for the next words, and the answers.
package completion

import (
	"context"
	"fmt"
	"strings"

	"github.com/urfave/cli/v3"
)

// Bash asks the program itself for the words that may come next
// (urfave/cli answers --generate-shell-completion), and falls back to file
// names, which is what DIR and FILE arguments want.
const Bash = `# workato-gitops completion for bash (and zsh through bashcompinit)
_workato_gitops() {
  local cur words
  COMPREPLY=()
  cur="${COMP_WORDS[COMP_CWORD]}"
  if [[ "$cur" == -* ]]; then
    words=$("${COMP_WORDS[@]:0:$COMP_CWORD}" "$cur" --generate-shell-completion 2>/dev/null)
  else
    words=$("${COMP_WORDS[@]:0:$COMP_CWORD}" --generate-shell-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  return 0
}
complete -o default -o bashdefault -F _workato_gitops workato-gitops
`

// ZshPreamble, before Bash, loads bash completion in zsh.
const ZshPreamble = `# workato-gitops completion for zsh
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
`

// Install makes c and its commands answer --generate-shell-completion
// with plain words, one a line, as the completion scripts want them: the
// flags that start with the last argument when it starts with "-", else
// the commands.
func Install(c *cli.Command) {
	c.ShellComplete = func(_ context.Context, c *cli.Command) {
		w, last := c.Root().Writer, ""
		if args := c.Args().Slice(); len(args) > 0 {
			last = args[len(args)-1]
		}
		if strings.HasPrefix(last, "-") {
			for _, f := range c.VisibleFlags() {
				for _, name := range f.Names() {
					if len(name) > 1 && strings.HasPrefix("--"+name, last) {
						fmt.Fprintln(w, "--"+name)
					}
				}
			}
			return
		}
		for _, sub := range c.VisibleCommands() {
			fmt.Fprintln(w, sub.Name)
		}
	}
	for _, sub := range c.Commands {
		Install(sub)
	}
}
