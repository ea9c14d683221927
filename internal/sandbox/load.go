package sandbox

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// buildWorld turns a State document into a world, filling in what a
// hand-written seed leaves out and rejecting what cannot be resolved.
func buildWorld(st State, now time.Time) (*world, error) {
	w := newWorld()
	w.nextID = max(st.NextID, maxStateID(st)+1, firstID)
	if st.InputKey != "" {
		key, err := hex.DecodeString(st.InputKey)
		if err != nil || len(key) < 16 {
			return nil, errors.New("input_key: want at least 16 hex-encoded bytes")
		}
		w.inputKey = key
	}
	ids, exts := map[int64]bool{}, map[string]bool{}
	for i := range st.Customers {
		doc := &st.Customers[i]
		c, err := w.buildCustomer(doc, now)
		if err != nil {
			return nil, fmt.Errorf("customer %q: %w", doc.Name, err)
		}
		if ids[c.info.ID] {
			return nil, fmt.Errorf("customer %q: duplicate id %d", doc.Name, c.info.ID)
		}
		if c.info.ExternalID != "" && exts[c.info.ExternalID] {
			return nil, fmt.Errorf("customer %q: duplicate external_id %q", doc.Name, c.info.ExternalID)
		}
		ids[c.info.ID], exts[c.info.ExternalID] = true, true
		w.customers = append(w.customers, c)
	}
	if err := checkEnvironments(st.Customers); err != nil {
		return nil, err
	}
	return w, nil
}

// checkEnvironments refuses TEST and PROD workspaces that Workato could
// not have: of no customer, of another environment, of another type, or
// two of one type for a customer.
func checkEnvironments(docs []Customer) error {
	byID := map[int64]*Customer{}
	for i := range docs {
		if docs[i].ID != 0 {
			byID[docs[i].ID] = &docs[i]
		}
	}
	seen := map[[2]any]bool{}
	for _, d := range docs {
		if d.EnvironmentOf == 0 && d.EnvironmentType == "" {
			continue
		}
		owner := byID[d.EnvironmentOf]
		switch {
		case d.EnvironmentType != "test" && d.EnvironmentType != "prod":
			return fmt.Errorf("customer %q: environment_type %q: want test or prod", d.Name, d.EnvironmentType)
		case owner == nil || owner.EnvironmentOf != 0:
			return fmt.Errorf("customer %q: environment_of %d is not a customer", d.Name, d.EnvironmentOf)
		case seen[[2]any{d.EnvironmentOf, d.EnvironmentType}]:
			return fmt.Errorf("customer %q: customer %d has two %s environments", d.Name, d.EnvironmentOf, d.EnvironmentType)
		}
		seen[[2]any{d.EnvironmentOf, d.EnvironmentType}] = true
	}
	return nil
}

func (w *world) buildCustomer(doc *Customer, now time.Time) (*customer, error) {
	if doc.Name == "" {
		return nil, errors.New("name is required")
	}
	info := *doc
	info.Members, info.Folders, info.Connections, info.Recipes, info.Properties, info.Imports = nil, nil, nil, nil, nil, nil
	info.ID = w.idOr(info.ID)
	info.HomeFolderID = w.idOr(info.HomeFolderID)
	info.CreatedAt = timeOr(info.CreatedAt, now)
	info.UpdatedAt = timeOr(info.UpdatedAt, info.CreatedAt)
	if info.PlanID == "" {
		info.PlanID = defaultPlanID
	}
	c := newCustomer(info)
	c.folders[info.HomeFolderID] = &folder{ID: info.HomeFolderID, Name: "Home", CreatedAt: info.CreatedAt, UpdatedAt: info.CreatedAt}
	paths := map[string][]int64{}
	if err := w.buildFolders(c, info.HomeFolderID, "", doc.Folders, paths, now); err != nil {
		return nil, err
	}
	if err := w.buildConnections(c, doc.Connections, paths, now); err != nil {
		return nil, err
	}
	if err := w.buildRecipes(c, doc.Recipes, paths, now); err != nil {
		return nil, err
	}
	for _, m := range doc.Members {
		m.ID = w.idOr(m.ID)
		if m.GrantType == "" {
			m.GrantType = "team"
		}
		c.members = append(c.members, &m)
	}
	if errs := validateProperties(nil, doc.Properties); len(errs) > 0 {
		return nil, fmt.Errorf("properties: %v", errs)
	}
	for k, v := range doc.Properties {
		c.props[k] = v
	}
	for _, imp := range doc.Imports {
		c.imports[imp.ID] = &importJob{Import: imp, polls: 1}
	}
	return c, nil
}

func (w *world) buildFolders(c *customer, parent int64, prefix string, docs []Folder, paths map[string][]int64, now time.Time) error {
	for _, d := range docs {
		if d.Name == "" {
			return fmt.Errorf("folder under %q: name is required", "/"+prefix)
		}
		f := &folder{ID: w.idOr(d.ID), ParentID: parent, Name: d.Name, Description: d.Description}
		if c.folders[f.ID] != nil {
			return fmt.Errorf("folder %q: duplicate id %d", d.Name, f.ID)
		}
		if parent == c.info.HomeFolderID {
			f.ProjectID = w.idOr(d.ProjectID)
		}
		f.CreatedAt = timeOr(d.CreatedAt, now)
		f.UpdatedAt = timeOr(d.UpdatedAt, f.CreatedAt)
		c.folders[f.ID] = f
		p := joinPath(prefix, d.Name)
		paths[p] = append(paths[p], f.ID)
		if err := w.buildFolders(c, f.ID, p, d.Folders, paths, now); err != nil {
			return err
		}
	}
	return nil
}

func (w *world) buildConnections(c *customer, docs []Connection, paths map[string][]int64, now time.Time) error {
	for _, d := range docs {
		if d.Name == "" || d.Provider == "" {
			return fmt.Errorf("connection %q: name and provider are required", d.Name)
		}
		fid, err := resolveFolder(c, paths, d.Folder, d.FolderID)
		if err != nil {
			return fmt.Errorf("connection %q: %w", d.Name, err)
		}
		conn := d
		conn.ID, conn.FolderID, conn.Folder = w.idOr(d.ID), fid, ""
		if c.conns[conn.ID] != nil {
			return fmt.Errorf("connection %q: duplicate id %d", d.Name, conn.ID)
		}
		conn.Tags = slices.Clone(d.Tags)
		conn.CreatedAt = timeOr(d.CreatedAt, now)
		conn.UpdatedAt = timeOr(d.UpdatedAt, conn.CreatedAt)
		if conn.AuthorizationStatus == "success" && conn.AuthorizedAt.IsZero() {
			conn.AuthorizedAt = conn.CreatedAt
		}
		c.conns[conn.ID] = &conn
	}
	for _, conn := range c.conns {
		if conn.ParentID != 0 && c.conns[conn.ParentID] == nil {
			return fmt.Errorf("connection %q: parent_id %d not found", conn.Name, conn.ParentID)
		}
	}
	return nil
}

func (w *world) buildRecipes(c *customer, docs []Recipe, paths map[string][]int64, now time.Time) error {
	for _, d := range docs {
		if d.Name == "" {
			return errors.New("recipe: name is required")
		}
		fid, err := resolveFolder(c, paths, d.Folder, d.FolderID)
		if err != nil {
			return fmt.Errorf("recipe %q: %w", d.Name, err)
		}
		r := d
		r.ID, r.FolderID, r.Folder = w.idOr(d.ID), fid, ""
		if c.recipes[r.ID] != nil {
			return fmt.Errorf("recipe %q: duplicate id %d", d.Name, r.ID)
		}
		r.Code = compactJSON(d.Code) // so that a saved state reloads byte for byte
		r.Config = slices.Clone(d.Config)
		for i := range r.Config {
			if err := resolveConfigConnection(c, &r.Config[i]); err != nil {
				return fmt.Errorf("recipe %q: %w", d.Name, err)
			}
		}
		r.VersionNo = max(r.VersionNo, 1)
		r.CreatedAt = timeOr(d.CreatedAt, now)
		r.UpdatedAt = timeOr(d.UpdatedAt, r.CreatedAt)
		c.recipes[r.ID] = &r
	}
	return nil
}

// resolveConfigConnection turns the seed's connection name into an
// account_id; an explicit account_id wins and may name a deleted connection.
func resolveConfigConnection(c *customer, cfg *RecipeConfig) error {
	name := cfg.Connection
	cfg.Connection = ""
	if cfg.AccountID != 0 || name == "" {
		return nil
	}
	for _, conn := range c.sortedConns() {
		if conn.Name != name {
			continue
		}
		if cfg.AccountID != 0 {
			return fmt.Errorf("connection name %q is ambiguous; use account_id", name)
		}
		cfg.AccountID = conn.ID
	}
	if cfg.AccountID == 0 {
		return fmt.Errorf("connection %q not found", name)
	}
	return nil
}

func resolveFolder(c *customer, paths map[string][]int64, path string, id int64) (int64, error) {
	switch {
	case id != 0:
		if c.folders[id] == nil {
			return 0, fmt.Errorf("folder_id %d not found", id)
		}
		return id, nil
	case path == "":
		return c.info.HomeFolderID, nil
	}
	switch ids := paths[path]; len(ids) {
	case 0:
		return 0, fmt.Errorf("folder %q not found", path)
	case 1:
		return ids[0], nil
	default:
		return 0, fmt.Errorf("folder %q is ambiguous; use folder_id", path)
	}
}

func (w *world) idOr(id int64) int64 {
	if id != 0 {
		return id
	}
	return w.alloc()
}

func timeOr(t, def time.Time) time.Time {
	if t.IsZero() {
		return def
	}
	return t
}

func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "/" + name
}

// maxStateID finds the largest id a document uses, so that allocation never
// reuses one.
func maxStateID(st State) int64 {
	var m int64
	for _, c := range st.Customers {
		m = max(m, c.ID, c.HomeFolderID, maxFolderID(c.Folders))
		for _, x := range c.Members {
			m = max(m, x.ID)
		}
		for _, x := range c.Connections {
			m = max(m, x.ID)
		}
		for _, x := range c.Recipes {
			m = max(m, x.ID)
		}
		for _, x := range c.Imports {
			m = max(m, x.ID)
		}
	}
	return m
}

func maxFolderID(fs []Folder) int64 {
	var m int64
	for _, f := range fs {
		m = max(m, f.ID, f.ProjectID, maxFolderID(f.Folders))
	}
	return m
}

func compactJSON(raw []byte) []byte {
	if len(raw) == 0 {
		return nil
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return slices.Clone(raw) // the decoder has validated it; unreachable
	}
	return buf.Bytes()
}
