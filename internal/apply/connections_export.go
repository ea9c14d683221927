package apply

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/export"
	livewalk "github.com/workato-gitops/workato-gitops/internal/live"
	"github.com/workato-gitops/workato-gitops/internal/plan"
	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// The connection's export half: its executor is in connections.go.
var _ = export.Register(plan.KindConnection, export.Kind{Field: "connections", Read: exportConnections})

// providerPattern is the manifest schema's pattern for a provider.
var providerPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// exportedConn is a connection as export writes it, with what linking
// parents needs.
type exportedConn struct {
	spec.Connection
	liveID, parentID int64
}

// exportConnections writes every connection a manifest can name, each
// with comments on its state and its connector's input fields: the input
// block to fill in, commented out.
func exportConnections(ctx context.Context, c *workato.Client, w *export.Workspace) (export.WriteObjects, error) {
	conns, err := c.ListConnections(ctx, w.Ref, workato.ListConnectionsOptions{})
	if err != nil {
		return nil, err
	}
	return func(w *export.Workspace) ([]export.Object, error) {
		out := exportConns(livewalk.Connections(conns), w)
		objs := make([]export.Object, len(out))
		for i, cn := range out {
			s := w.Once("input schema "+cn.Provider, func() any { return readInputSchema(ctx, c, w.Ref, cn.Provider) }).(inputSchema)
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			objs[i] = export.Object{Value: cn.Connection, Notes: connNotes(cn.Connection, s)}
		}
		return objs, nil
	}, nil
}

// inputSchema is a connector's input fields; known is false when the API
// gave none (a custom connector, or an error, said in note).
type inputSchema struct {
	fields []workato.InputField
	known  bool
	note   string
}

// readInputSchema asks for a connector's input schema, once per export
// run (Workspace.Once): the v2 endpoint serves a connector's static base
// schema, the same in every workspace (a custom connector of the same name
// in two workspaces is assumed to be the same connector).
func readInputSchema(ctx context.Context, c *workato.Client, ref workato.CustomerRef, provider string) inputSchema {
	fields, err := c.InputSchema(ctx, ref, provider)
	switch {
	case err == nil:
		return inputSchema{fields: fields, known: true}
	case errors.Is(err, workato.ErrNotFound) || errors.Is(err, workato.ErrRefused):
		return inputSchema{note: fmt.Sprintf("Workato has no input schema for the %s connector: list its input fields yourself.", provider)}
	}
	return inputSchema{note: fmt.Sprintf("The input schema of the %s connector could not be read (%v): list its input fields yourself.", provider, err)}
}

// connNotes are the comments after a connection: its state, and its
// input block with a placeholder for each field.
func connNotes(cn spec.Connection, s inputSchema) []export.Note {
	var n []export.Note
	if cn.State == "" {
		n = append(n, export.Note{Text: "Connected in Workato: its credentials stay as they are until you add input."})
	} else {
		n = append(n, export.Note{Text: "Not connected in Workato. To connect it, delete state: shell and add input."})
	}
	switch {
	case !s.known:
		n = append(n, export.Note{Text: s.note}, export.Note{Key: "input"}, export.Note{Key: "field_name", Value: spec.PlaceholderRequired, Depth: 1})
	case len(s.fields) == 0:
		n = append(n, export.Note{Text: fmt.Sprintf("The %s connector's input schema has no fields (it may authorize in a browser).", cn.Provider)})
	default:
		n = append(n, export.Note{Key: "input"})
		for _, f := range s.fields {
			n = append(n, export.Note{Key: f.Name, Value: placeholder(f), Depth: 1})
		}
	}
	return n
}

func placeholder(f workato.InputField) string {
	switch {
	case f.LooksSecret() && f.Optional:
		return spec.PlaceholderOptionalSecret
	case f.LooksSecret():
		return spec.PlaceholderSecret
	case f.Optional:
		return spec.PlaceholderOptional
	}
	return spec.PlaceholderRequired
}

// exportConns keeps the connections a manifest can name, by id: one whose
// folder was not exported, whose name or provider the schema refuses, or
// whose folder and name another one has already (that one is then pinned
// by id) is skipped. A connected one has no state (connected is the
// default); any other is a shell.
func exportConns(conns []plan.LiveConnection, w *export.Workspace) []exportedConn {
	slices.SortFunc(conns, func(a, b plan.LiveConnection) int { return cmp.Compare(a.ID, b.ID) })
	var out []exportedConn
	byKey := map[spec.Key]int{} // index in out
	nameCount := map[string]int{}
	for _, c := range conns {
		folder, ok := w.FolderOf(c.FolderID)
		if !ok {
			w.Skip("connection #%d %q: its folder #%d was not exported", c.ID, c.Name, c.FolderID)
			continue
		}
		if c.Name == "" || !providerPattern.MatchString(c.Provider) {
			w.Skip("connection #%d %q: its name or provider %q cannot be written in a manifest", c.ID, c.Name, c.Provider)
			continue
		}
		cn := spec.Connection{Name: c.Name, Provider: c.Provider, Folder: folder, ExternalID: c.ExternalID,
			Protect: w.Ledger.Connections[c.ID].Protect}
		if !c.Authorized() {
			cn.State = spec.StateShell
		}
		if i, dup := byKey[cn.Key()]; dup {
			out[i].ID = out[i].liveID
			w.Skip("connection #%d %q: another connection in its folder has the same name; the first (#%d) is pinned by id", c.ID, livewalk.Join(folder, c.Name), out[i].ID)
			continue
		}
		byKey[cn.Key()] = len(out)
		nameCount[c.Name]++
		out = append(out, exportedConn{Connection: cn, liveID: c.ID, parentID: c.ParentID})
	}
	linkParents(out, nameCount, w)
	slices.SortStableFunc(out, func(a, b exportedConn) int {
		return cmp.Or(strings.Compare(a.Folder, b.Folder), strings.Compare(a.Name, b.Name))
	})
	return out
}

// linkParents names each connection's parent, when the parent was
// exported and its name is unique among connections of its provider.
func linkParents(out []exportedConn, nameCount map[string]int, w *export.Workspace) {
	byID := map[int64]*exportedConn{}
	for i := range out {
		byID[out[i].liveID] = &out[i]
	}
	for i := range out {
		c := &out[i]
		if c.parentID == 0 {
			continue
		}
		parent := byID[c.parentID]
		switch {
		case parent == nil:
			w.Skip("parent of connection %q: connection #%d was not exported", livewalk.Join(c.Folder, c.Name), c.parentID)
		case nameCount[parent.Name] > 1 || parent.Provider != c.Provider:
			w.Skip("parent of connection %q: %q is not a unique name of a %s connection", livewalk.Join(c.Folder, c.Name), parent.Name, c.Provider)
		default:
			c.Parent = parent.Name
		}
	}
}
