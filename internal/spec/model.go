package spec

import (
	"fmt"
	"slices"
)

// Repo is the desired state of a whole manifest directory.
type Repo struct {
	Dir     string    // the directory as the caller named it
	Config  Config    // from workato-gitops.yaml, or defaults
	Tenants []*Tenant // sorted by name; bases already merged in
	Files   []File    // every file read, sorted by path, with its digest
}

// File is one manifest or config file and the SHA-256 of its bytes, so a
// saved plan can tell whether the manifests changed since it was made.
type File struct {
	Path   string // relative to Dir, slash-separated
	SHA256 string
}

// Config is the repository-wide configuration.
type Config struct {
	Pos
	APIURL         string
	DataCenter     string
	Parallelism    int
	Guards         Guards
	Ignore         []string
	RateLimits     map[string]RateLimit // by rate class; absent classes keep Workato's documented limits
	FingerprintKey Secret               // zero when not configured or not decrypted
	// FingerprintKeySealed: the config holds an encrypted fingerprintKey
	// that this load did not decrypt (a plan without the SOPS key).
	FingerprintKeySealed bool
	Rollout              Rollout // waves of a fleet apply; zero: one wave
}

// Guards are the safety limits from the config.
type Guards struct {
	MaxDeletesPerTenant int
	MaxDeletesTotal     int
}

// Defaults for settings the config leaves out.
const (
	DefaultParallelism         = 8
	DefaultMaxDeletesPerTenant = 10
	DefaultMaxDeletesTotal     = 100
)

// Tenant is one customer workspace with its bases merged in. Every object
// keeps the position where it was declared, which may be in a base file.
type Tenant struct {
	Pos
	Name    string
	Extends []string
	// Sources are the files the tenant is made of, relative to Repo.Dir
	// and slash-separated: its own manifest first, then every base it
	// extends, directly or through another base, sorted.
	Sources     []string
	Customer    Customer
	Members     []Member
	Folders     []Folder // every declared folder, implied parents included, parents first
	Connections []Connection
	Packages    []Package
	Recipes     []Recipe
	Prune       Prune
}

// Customer is the managed user.
//
// Its yaml tags (like every manifest type's) name its manifest fields in
// the order export writes them; omitempty leaves a zero value out there.
// file.go decodes it.
type Customer struct {
	Pos               `yaml:"-"`
	ID                int64  `yaml:"id,omitempty"` // 0 unless pinned
	ExternalID        string `yaml:"externalId"`
	Name              string `yaml:"name"`
	NotificationEmail string `yaml:"notificationEmail"`
	PlanID            string `yaml:"planId,omitempty"`
	OriginURL         string `yaml:"originUrl,omitempty"`
	// Environments names the Embedded Environments workspaces managed
	// ("dev", "test", "prod"; the schema allows nothing else, each once),
	// in that order whatever the manifest's; nil means the customer's own
	// workspace only, as without Environments.
	Environments []string `yaml:"environments,omitempty"`
}

// EnvironmentsAt is where customer.environments is written (file:line).
func (c Customer) EnvironmentsAt() string {
	d := c.diag("environments", "")
	return fmt.Sprintf("%s:%d", d.File, d.Line)
}

// Environments are the Embedded Environments a manifest may list, in the
// order they are planned and shown in (the schema's enum).
var Environments = []string{"dev", "test", "prod"}

// canonicalEnvironments puts a schema-valid list in Environments' order.
func canonicalEnvironments(envs []string) []string {
	if len(envs) == 0 {
		return nil
	}
	var out []string
	for _, e := range Environments {
		if slices.Contains(envs, e) {
			out = append(out, e)
		}
	}
	return out
}

// Member is a collaborator.
type Member struct {
	Pos   `yaml:"-"`
	Email string `yaml:"email"`
	Name  string `yaml:"name"`
	Role  string `yaml:"role"`
}

// Folder is a folder path below Home.
type Folder struct {
	Pos     `yaml:"-"`
	Path    string `yaml:"path"`
	Protect bool   `yaml:"protect,omitempty"`
	Implied bool   `yaml:"-"` // not declared itself: a parent of a declared folder
}

// Connection states.
const (
	StateConnected    = "connected"
	StateDisconnected = "disconnected"
	StateShell        = "shell"
)

// Connection is a connection and, for connected ones, its decrypted input.
type Connection struct {
	Pos        `yaml:"-"`
	Name       string `yaml:"name"`
	Provider   string `yaml:"provider"`
	Folder     string `yaml:"folder,omitempty"` // "" is Home
	ID         int64  `yaml:"id,omitempty"`
	ExternalID string `yaml:"externalId,omitempty"`
	Parent     string `yaml:"parent,omitempty"`
	Protect    bool   `yaml:"protect,omitempty"`
	State      string `yaml:"state,omitempty"`
	// Input holds the decrypted parameters. Nil when the connection has
	// none, or when the load skipped decryption (then HasInput is still
	// true).
	Input    Input `yaml:"-"`
	HasInput bool  `yaml:"-"`
	// Ciphertext digests each input value as SOPS encrypted it (the
	// ENC[...] string), by parameter name, without decrypting: SOPS keeps
	// an unchanged value's ciphertext across sops edit and sops set, so a
	// plan without the decryption key can tell which inputs changed. Nil
	// for plaintext inputs.
	Ciphertext map[string]string `yaml:"-"`
}

// Package is a recipe package and where it goes.
type Package struct {
	Pos            `yaml:"-"`
	Name           string `yaml:"name"`
	Source         string `yaml:"-"`      // absolute, symlinks resolved, inside the repository
	SourceRel      string `yaml:"source"` // as written in the manifest
	IsZip          bool   `yaml:"-"`
	Folder         string `yaml:"folder"`
	RestartRecipes bool   `yaml:"restartRecipes"`
	IncludeTags    bool   `yaml:"includeTags"`
}

// Recipe is the desired running state of a recipe.
type Recipe struct {
	Pos     `yaml:"-"`
	Name    string `yaml:"name"`
	Folder  string `yaml:"folder,omitempty"`
	Running bool   `yaml:"running"`
}

// Prune says which owned objects that left the manifest apply may delete.
type Prune struct {
	Connections bool
	Folders     bool
	Members     bool
}

// Key functions: the natural keys objects are matched and merged by, the
// same values plans and apply use.

func (c Customer) Key() Key   { return Key{Name: c.ExternalID} }
func (m Member) Key() Key     { return Key{Name: lowerASCII(m.Email)} }
func (f Folder) Key() Key     { return FolderKey(ParsePath(f.Path)) }
func (c Connection) Key() Key { return Key{Folder: ParsePath(c.Folder), Name: c.Name} }
func (p Package) Key() Key    { return Key{Name: p.Name} }
func (r Recipe) Key() Key     { return Key{Folder: ParsePath(r.Folder), Name: r.Name} }

// objectKinds is every kind of object a manifest lists, in manifest order:
// a new kind is its type above, its Key, its Tenant field and a row here
// (kinds.go does the rest; kinds_test.go fails until the schema, the
// Tenant and the plan know it).
var objectKinds = []objectKind{memberKind, folderKind, connectionKind, packageKind, recipeKind}

var (
	memberKind = &objects[Member]{kind: "member", list: "members", tenant: func(t *Tenant) *[]Member { return &t.Members },
		label: func(m Member) string { return m.Email }}
	// A folder's folder field is its own path, not a reference.
	folderKind = &objects[Folder]{kind: "folder", list: "folders", tenant: func(t *Tenant) *[]Folder { return &t.Folders },
		label:       func(f Folder) string { return f.Path },
		folderField: "path", folderOf: func(f Folder) string { return f.Path }, ownPath: true, finish: impliedFolders}
	connectionKind = &objects[Connection]{kind: "connection", list: "connections", tenant: func(t *Tenant) *[]Connection { return &t.Connections },
		label: func(c Connection) string { return c.Name }, dupLabel: func(c Connection) string { return c.Key().String() },
		folderField: "folder", folderOf: func(c Connection) string { return c.Folder },
		more: decodeInput, finish: defaultStates}
	packageKind = &objects[Package]{kind: "package", list: "packages", tenant: func(t *Tenant) *[]Package { return &t.Packages },
		label:       func(p Package) string { return p.Name },
		folderField: "folder", folderOf: func(p Package) string { return p.Folder }}
	recipeKind = &objects[Recipe]{kind: "recipe", list: "recipes", tenant: func(t *Tenant) *[]Recipe { return &t.Recipes },
		label: func(r Recipe) string { return r.Name }, dupLabel: func(r Recipe) string { return r.Key().String() },
		folderField: "folder", folderOf: func(r Recipe) string { return r.Folder }}
)

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
