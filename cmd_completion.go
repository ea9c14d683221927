package main

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v3"

	"github.com/workato-gitops/workato-gitops/internal/completion"
)

func completionCommand(e env) *cli.Command {
	return &cli.Command{
		Name:        "completion",
		Usage:       "print a shell completion script (bash, zsh or fish)",
		ArgsUsage:   "bash|zsh|fish",
		Description: helpText("completion"),
		Action: func(ctx context.Context, c *cli.Command) error {
			switch c.Args().First() {
			case "bash":
				_, err := fmt.Fprint(e.stdout, completion.Bash)
				return err
			case "zsh":
				_, err := fmt.Fprint(e.stdout, completion.ZshPreamble+completion.Bash)
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
