package pkgpull

import (
	"errors"
	"testing"

	"github.com/workato-gitops/workato-gitops/internal/workato"
)

func TestWorkspace(t *testing.T) {
	for in, want := range map[string]workato.CustomerRef{"4711": workato.ByID(4711), "EDEV": workato.ByExternalID("DEV"), "E42": workato.ByExternalID("42")} {
		if got, err := Workspace(in); err != nil || got != want {
			t.Errorf("Workspace(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"DEV", "E", "0", "-3", ""} {
		var we *WorkspaceError
		if _, err := Workspace(in); !errors.As(err, &we) {
			t.Errorf("Workspace(%q): %v, want a *WorkspaceError", in, err)
		}
	}
}

func TestCleanFolder(t *testing.T) {
	if got, err := CleanFolder("/Integrations/Salesforce/"); err != nil || got != "Integrations/Salesforce" {
		t.Errorf("got %q, %v", got, err)
	}
	for _, in := range []string{"/", "", "A//B", "A/ /B"} {
		if _, err := CleanFolder(in); err == nil {
			t.Errorf("CleanFolder(%q) passed", in)
		}
	}
}
