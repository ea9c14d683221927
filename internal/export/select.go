package export

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

// Job is one customer to export and where its manifest goes.
type Job struct {
	Customer workato.Customer
	Name     string // metadata.name
	Path     string
}

// ExistsError says which manifests an export would overwrite.
type ExistsError struct{ Paths []string }

func (e *ExistsError) Error() string {
	return fmt.Sprintf("refusing to overwrite %s; nothing was written", strings.Join(e.Paths, ", "))
}

// Repo loads the repository dir belongs to (the nearest directory at or
// above it with a workato-gitops.yaml, else dir itself) without decrypting
// anything: its config chooses the API, and its tenants must not be
// exported a second time. Problems in its manifests do not stop an export.
func Repo(dir string, schemas fs.FS) (*spec.Repo, error) {
	root, ok := FindRoot(dir)
	if !ok {
		root = dir
	}
	repo, err := spec.Load(root, spec.Options{Schemas: schemas, SkipDecrypt: true})
	var ds spec.Diagnostics
	if err != nil && !errors.As(err, &ds) {
		return nil, err
	}
	return repo, nil
}

// Config is the config of the repository dir belongs to (see FindRoot);
// the defaults when it belongs to none.
func Config(dir string, schemas fs.FS) (spec.Config, error) {
	root, ok := FindRoot(dir)
	if !ok {
		return spec.Config{}, nil
	}
	repo, err := Repo(root, schemas)
	if err != nil {
		return spec.Config{}, err
	}
	return repo.Config, nil
}

// FindRoot finds the repository dir belongs to: the nearest directory at
// or above it (dir need not exist) that holds a workato-gitops.yaml,
// looking no higher than a directory with .git.
func FindRoot(dir string) (string, bool) {
	for d, _ := filepath.Abs(dir); ; {
		if _, err := os.Stat(filepath.Join(d, spec.ConfigFile)); err == nil {
			return d, true
		}
		parent := filepath.Dir(d)
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil || parent == d {
			return "", false
		}
		d = parent
	}
}

// SchemaID is the $id of the tenant schema in schemas: where editors can
// fetch it.
func SchemaID(schemas fs.FS) (string, error) {
	data, err := fs.ReadFile(schemas, "tenant.schema.json")
	if err != nil {
		return "", err
	}
	var s struct {
		ID string `json:"$id"`
	}
	if err := json.Unmarshal(data, &s); err != nil || s.ID == "" {
		return "", errors.New("the embedded tenant schema has no $id")
	}
	return s.ID, nil
}

// SchemaURL is the schema reference exported manifests carry: a relative
// path to the repository's own schema when out has one, which works in any
// editor without a network; else the embedded schema's $id.
func SchemaURL(out string, schemas fs.FS) (string, error) {
	if ref, ok := spec.SchemaRef(out); ok {
		return ref, nil
	}
	return SchemaID(schemas)
}

// Customers finds the customers to export: every one when all is set;
// else each of tenants, as an external id first and, when that finds
// nothing and it is a number, as a numeric id.
func Customers(ctx context.Context, c *workato.Client, all bool, tenants []string) ([]workato.Customer, error) {
	if all {
		custs, err := c.ListCustomers(ctx)
		if err != nil {
			return nil, fmt.Errorf("list customers: %w", err)
		}
		return custs, nil
	}
	var out []workato.Customer
	seen := map[int64]bool{}
	for _, t := range tenants {
		cust, err := c.GetCustomer(ctx, workato.ByExternalID(t))
		if id, perr := strconv.ParseInt(t, 10, 64); errors.Is(err, workato.ErrNotFound) && perr == nil && id > 0 {
			cust, err = c.GetCustomer(ctx, workato.ByID(id))
		}
		if errors.Is(err, workato.ErrNotFound) {
			return nil, fmt.Errorf("--tenant %q: no customer has this external id or id", t)
		}
		if err != nil {
			return nil, fmt.Errorf("--tenant %q: %w", t, err)
		}
		if !seen[cust.ID] {
			seen[cust.ID] = true
			out = append(out, *cust)
		}
	}
	return out, nil
}

// Jobs names each manifest and decides what to skip, before any workspace
// is read: a customer without an external id (workato-gitops addresses
// workspaces by it) or without the name and notification email a manifest
// requires, and one that a manifest of the repository already declares.
// With all unset, a customer that cannot be exported is an error; else it
// is skipped with a note. A file that exists already stops everything
// (an *ExistsError), unless force.
func Jobs(custs []workato.Customer, repo *spec.Repo, out string, all, force bool) (jobs []Job, notes []string, err error) {
	slices.SortFunc(custs, func(a, b workato.Customer) int { return strings.Compare(a.ExternalID, b.ExternalID) })
	declared := map[string]*spec.Tenant{}
	taken := map[string]bool{}
	for _, t := range repo.Tenants {
		declared[t.Customer.ExternalID] = t
		taken[t.Name] = true
	}
	var exists []string
	for _, c := range custs {
		msg := ""
		switch {
		case c.ExternalID == "":
			msg = fmt.Sprintf("customer #%d (%s) has no external id; set one in Workato to manage it", c.ID, c.Name)
		case !emailPattern.MatchString(c.NotificationEmail) || c.Name == "":
			msg = fmt.Sprintf("customer %s (#%d) has no name or no valid notification email, which a manifest requires; set them in Workato", c.ExternalID, c.ID)
		}
		if msg != "" {
			if !all {
				return nil, nil, errors.New(msg)
			}
			notes = append(notes, msg)
			continue
		}
		name := TenantName(c.ExternalID, c.ID)
		path := filepath.Join(out, name+".yaml")
		if t := declared[c.ExternalID]; t != nil && !samePath(t.Pos.File, path) {
			notes = append(notes, fmt.Sprintf("customer %s: tenant %q declares it already (%s)", c.ExternalID, t.Name, t.Pos.File))
			continue
		} else if t != nil {
			delete(taken, t.Name) // its own file is being rewritten
		}
		if taken[name] {
			name = TenantName(c.ExternalID+"-"+strconv.FormatInt(c.ID, 10), c.ID)
			path = filepath.Join(out, name+".yaml")
		}
		taken[name] = true
		if _, err := os.Lstat(path); err == nil && !force {
			exists = append(exists, path)
		}
		jobs = append(jobs, Job{Customer: c, Name: name, Path: path})
	}
	if len(exists) > 0 {
		return nil, nil, &ExistsError{Paths: exists}
	}
	return jobs, notes, nil
}

func samePath(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// MaxTenantName is the schema's limit on metadata.name.
const MaxTenantName = 63

// TenantName derives a metadata.name (^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$,
// at most 63 characters) from an external id: lower-cased, every run of
// other characters replaced by "-", trimmed to start and end with a letter
// or digit. An external id with no letter or digit gives "customer-ID".
func TenantName(externalID string, id int64) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(externalID) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
			dash = false
		case !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	name := b.String()
	if len(name) > MaxTenantName {
		name = name[:MaxTenantName]
	}
	name = strings.TrimFunc(name, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') })
	if name == "" {
		return "customer-" + strconv.FormatInt(id, 10)
	}
	return name
}
