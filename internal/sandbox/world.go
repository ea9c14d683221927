package sandbox

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// firstID is where a fresh world starts numbering. One counter serves every
// kind of object, so ids never collide across kinds: a client that sends a
// folder id where a project id belongs gets a 404, not a wrong object.
const firstID = 1001

// world is the in-memory state, flat and indexed for the handlers; State is
// its document form.
type world struct {
	nextID    int64
	inputKey  []byte
	customers []*customer // creation order

	byID    map[int64]*customer  // index of customers[:indexed]
	byExt   map[string]*customer // by external id; an entry is checked on use
	indexed int
}

type customer struct {
	info    Customer // profile fields only; its asset slices stay nil
	folders map[int64]*folder
	conns   map[int64]*Connection
	recipes map[int64]*Recipe
	members []*Member
	props   map[string]string
	imports map[int64]*importJob
	exports *exportStore // manifests and export jobs, made on first use; not saved
}

// folder is flat: ParentID is Home's id for a top-level folder (a project).
type folder struct {
	ID          int64
	ParentID    int64
	ProjectID   int64
	Name        string
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func newWorld() *world {
	key := make([]byte, 32)
	rand.Read(key)
	return &world{nextID: firstID, inputKey: key}
}

func (w *world) alloc() int64 {
	id := w.nextID
	w.nextID++
	return id
}

func newCustomer(info Customer) *customer {
	return &customer{
		info:    info,
		folders: map[int64]*folder{},
		conns:   map[int64]*Connection{},
		recipes: map[int64]*Recipe{},
		props:   map[string]string{},
		imports: map[int64]*importJob{},
	}
}

// customerByRef resolves a path's :id: a numeric id, or "E" + external id
// (the mux has already unescaped it). Lookups go through an index that
// catches up with customers appended since the last lookup; a handler that
// changes a customer's external id calls setIndex.
func (w *world) customerByRef(ref string) *customer {
	w.catchUp()
	if ext, ok := strings.CutPrefix(ref, "E"); ok {
		if c := w.byExt[ext]; c != nil && ext != "" && c.info.ExternalID == ext {
			return c
		}
		return nil
	}
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil {
		return nil
	}
	return w.byID[id] // ids never change
}

func (w *world) catchUp() {
	if w.byID == nil {
		w.byID, w.byExt = map[int64]*customer{}, map[string]*customer{}
	}
	for _, c := range w.customers[min(w.indexed, len(w.customers)):] {
		if w.byID[c.info.ID] == nil {
			w.byID[c.info.ID] = c
		}
		w.setIndex(c)
	}
	w.indexed = len(w.customers)
}

// setIndex indexes a customer's current external id. An entry left under
// an old one is found stale on use.
func (w *world) setIndex(c *customer) {
	if ext := c.info.ExternalID; ext != "" {
		if o := w.byExt[ext]; o == nil || o.info.ExternalID != ext {
			w.byExt[ext] = c
		}
	}
}

// pathOf is a folder's path from Home, "" for Home itself.
func (c *customer) pathOf(id int64) string {
	var parts []string
	for f := c.folders[id]; f != nil && f.ID != c.info.HomeFolderID; f = c.folders[f.ParentID] {
		parts = append(parts, f.Name)
	}
	slices.Reverse(parts)
	return strings.Join(parts, "/")
}

// projectOf is the project id of the project a folder is in (its own for a
// project). That nested folders carry their project's id is inferred from
// the Developer API, UNCONFIRMED [design.md: project ids of nested folders] for embedded.
func (c *customer) projectOf(f *folder) int64 {
	for f != nil && f.ParentID != c.info.HomeFolderID {
		f = c.folders[f.ParentID]
	}
	if f == nil {
		return 0
	}
	return f.ProjectID
}

func (c *customer) children(parent int64) []*folder {
	var out []*folder
	for _, f := range c.folders {
		if f.ParentID == parent && f.ID != c.info.HomeFolderID {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b *folder) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// child finds a direct child folder by name; the first by id wins when
// names repeat, which the API permits (UNCONFIRMED [design.md: duplicate folder names]).
func (c *customer) child(parent int64, name string) *folder {
	for _, f := range c.children(parent) {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// isDescendant reports whether id is anc or below it.
func (c *customer) isDescendant(id, anc int64) bool {
	for f := c.folders[id]; f != nil; f = c.folders[f.ParentID] {
		if f.ID == anc {
			return true
		}
		if f.ParentID == 0 {
			break
		}
	}
	return false
}

func sortedByID[T any](m map[int64]T, id func(T) int64) []T {
	out := slices.Collect(maps.Values(m))
	slices.SortFunc(out, func(a, b T) int { return cmp.Compare(id(a), id(b)) })
	return out
}

func (c *customer) sortedConns() []*Connection {
	return sortedByID(c.conns, func(x *Connection) int64 { return x.ID })
}

func (c *customer) sortedRecipes() []*Recipe {
	return sortedByID(c.recipes, func(x *Recipe) int64 { return x.ID })
}

// usedByRunningRecipe reports whether a running recipe uses the connection.
func (c *customer) usedByRunningRecipe(connID int64) bool {
	for _, r := range c.recipes {
		if !r.Running {
			continue
		}
		for _, cfg := range r.Config {
			if cfg.AccountID == connID {
				return true
			}
		}
	}
	return false
}

func (w *world) export() State {
	st := State{FormatVersion: StateFormatVersion, NextID: w.nextID, InputKey: hex.EncodeToString(w.inputKey)}
	st.Customers = []Customer{}
	for _, c := range w.customers {
		st.Customers = append(st.Customers, c.export())
	}
	return st
}

func (c *customer) export() Customer {
	out := c.info
	out.Folders = c.exportFolders(c.info.HomeFolderID)
	for _, m := range c.members {
		out.Members = append(out.Members, *m)
	}
	for _, conn := range c.sortedConns() {
		x := *conn
		x.Folder = c.pathOf(x.FolderID)
		x.Tags = slices.Clone(x.Tags)
		out.Connections = append(out.Connections, x)
	}
	for _, r := range c.sortedRecipes() {
		x := *r
		x.Folder = c.pathOf(x.FolderID)
		x.Config = slices.Clone(x.Config)
		x.Code = slices.Clone(x.Code)
		out.Recipes = append(out.Recipes, x)
	}
	if len(c.props) > 0 {
		out.Properties = maps.Clone(c.props)
	}
	for _, j := range sortedByID(c.imports, func(j *importJob) int64 { return j.ID }) {
		x := j.Import
		x.RecipeStatus = slices.Clone(x.RecipeStatus)
		out.Imports = append(out.Imports, x)
	}
	return out
}

func (c *customer) exportFolders(parent int64) []Folder {
	var out []Folder
	for _, f := range c.children(parent) {
		out = append(out, Folder{
			ID: f.ID, ProjectID: f.ProjectID, Name: f.Name, Description: f.Description,
			CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt,
			Folders: c.exportFolders(f.ID),
		})
	}
	return out
}

// canonicalJSON re-encodes v with sorted object keys, for digests.
func canonicalJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var generic any
	if json.Unmarshal(b, &generic) != nil {
		return b
	}
	b, _ = json.Marshal(generic) // maps marshal with sorted keys
	return b
}

func rawOrNull(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return json.RawMessage(b)
}
