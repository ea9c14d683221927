package main

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v3"
)

// bashCompletion asks the program itself for the words that may come next
// (urfave/cli answers --generate-shell-completion), and falls back to file
// names, which is what DIR and FILE arguments want.
const bashCompletion = `# workato-gitops completion for bash (and zsh through bashcompinit)
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

const zshPreamble = `# workato-gitops completion for zsh
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
`

func completionCommand(e env) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash, zsh or fish)",
		ArgsUsage: "bash|zsh|fish",
		Description: `Prints a script that completes commands and flags of workato-gitops.

Examples:
   source <(workato-gitops completion bash)        # in ~/.bashrc
   workato-gitops completion zsh > "${fpath[1]}/_workato-gitops"
   workato-gitops completion fish > ~/.config/fish/completions/workato-gitops.fish`,
		Action: func(ctx context.Context, c *cli.Command) error {
			switch c.Args().First() {
			case "bash":
				_, err := fmt.Fprint(e.stdout, bashCompletion)
				return err
			case "zsh":
				_, err := fmt.Fprint(e.stdout, zshPreamble+bashCompletion)
				return err
			case "fish":
				script, err := c.Root().ToFishCompletion()
				if err != nil {
					return err
				}
				_, err = fmt.Fprint(e.stdout, script)
				return err
			}
			return fmt.Errorf("completion takes bash, zsh or fish, got %q", c.Args().First())
		},
	}
}
