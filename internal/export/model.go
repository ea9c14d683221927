package export

import (
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// Tenant is one tenant as export writes it: plain data read from the API,
// rendered by Render. Everything is already sorted.
type Tenant struct {
	Name     string // metadata.name
	Customer plan.LiveCustomer
	Members  []Member
	Folders  []Folder // every folder, parents before children
	Conns    []Conn
	Recipes  []Recipe
	Skipped  []string // what could not be exported, and why
}

// Member is a collaborator.
type Member struct{ Email, Name, Role string }

// Folder is a folder, by path.
type Folder struct {
	Path    string
	Protect bool // the ledger of an earlier workato-gitops says so
}

// Conn is a connection.
type Conn struct {
	Name, Provider, Folder, ExternalID, Parent string
	ID                                         int64 // pinned only when another live connection has the same key
	Authorized, Protect                        bool
	// Schema is the connector's input fields; SchemaKnown is false when
	// the API gave none (a custom connector, or an error in SchemaNote).
	Schema      []workato.InputField
	SchemaKnown bool
	SchemaNote  string

	liveID, parentID int64
}

// Recipe is a recipe and whether it runs.
type Recipe struct {
	Name, Folder string
	Running      bool
}
