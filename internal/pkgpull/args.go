package pkgpull

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// WorkspaceError is a --workspace that is neither a numeric id nor
// E<external id>.
type WorkspaceError struct{ Value string }

func (e *WorkspaceError) Error() string {
	return fmt.Sprintf("--workspace %q: want a numeric id or E<external id>", e.Value)
}

// Workspace reads a workspace as the API's paths do: a number is an id,
// "E" and the rest is an external id.
func Workspace(s string) (workato.CustomerRef, error) {
	if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 {
		return workato.ByID(id), nil
	}
	if ext, ok := strings.CutPrefix(s, "E"); ok && ext != "" {
		return workato.ByExternalID(ext), nil
	}
	return workato.CustomerRef{}, &WorkspaceError{Value: s}
}

// CleanFolder is a folder path without leading or trailing "/"; Home and
// empty segments are refused.
func CleanFolder(p string) (string, error) {
	trimmed := strings.Trim(p, "/")
	if trimmed == "" {
		return "", errors.New("--folder must name a folder; the Home folder cannot be exported as a package")
	}
	for _, seg := range strings.Split(trimmed, "/") {
		if strings.TrimSpace(seg) == "" {
			return "", fmt.Errorf("--folder %q has an empty path segment", p)
		}
	}
	return trimmed, nil
}
