package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/workato-gitops/workato-gitops/internal/spec"
	"github.com/workato-gitops/workato-gitops/internal/workato"
)

type exportOptions struct {
	all         bool
	tenants     []string // external ids or numeric ids
	out         string
	force       bool
	schemaURL   string
	parallelism int
	debug       bool
}

func exportCommand(e env) *cli.Command {
	return &cli.Command{
		Name:  "export",
		Usage: "write manifests for existing customer workspaces, to start managing them",
		Description: `Reads customer workspaces through the Embedded API and writes one tenant
manifest per workspace into DIR: the customer, its members, every folder,
its connections (without credentials: Workato never returns them) and the
running state of its recipes. A plan of an exported manifest adopts what it
names and changes nothing.

Connection input is written as a commented-out block of placeholders from
the connector's input schema: fill it in, uncomment it and run
'workato-gitops encrypt FILE'. Existing files are never overwritten without
--force; customers that a manifest in the repository already declares (by
external id) are skipped.

The API is chosen as for plan (WORKATO_API_URL, WORKATO_DATA_CENTER, or the
api of the nearest workato-gitops.yaml at or above DIR).

Examples:
   workato-gitops export --all --out tenants/customers
   workato-gitops export --tenant A2300 --tenant 98178 --out tenants/customers`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "all", Usage: "export every customer workspace of the account"},
			&cli.StringSliceFlag{Name: "tenant", Usage: "export the customer with external id (or numeric id) `ID` (repeatable)"},
			&cli.StringFlag{Name: "out", Required: true, Usage: "write the manifests into `DIR` (created if missing)"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite manifests that already exist"},
			&cli.StringFlag{Name: "schema", Usage: "`URL` for the files' yaml-language-server $schema line (default: the repository's schemas/tenant.schema.json, relative, else the schema's id)"},
			&cli.IntFlag{Name: "parallelism", Usage: "workspaces read at once (default: the config's, else 8)"},
			&cli.BoolFlag{Name: "debug", Usage: "log every HTTP request (method, path, status, time; never headers or bodies) to stderr"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return fmt.Errorf("export takes no arguments, got %q; name workspaces with --tenant", c.Args().First())
			}
			o := exportOptions{all: c.Bool("all"), tenants: c.StringSlice("tenant"), out: c.String("out"), force: c.Bool("force"),
				schemaURL: c.String("schema"), parallelism: c.Int("parallelism"), debug: c.Bool("debug")}
			return runExport(c.Context, o, e)
		},
	}
}

// exportJob is one customer to export and where its manifest goes.
type exportJob struct {
	cust workato.Customer
	name string
	path string
}

func runExport(ctx context.Context, o exportOptions, e env) error {
	if o.all == (len(o.tenants) > 0) {
		return &hinted{err: errors.New("export needs --all or at least one --tenant, not both"), hint: "workato-gitops export --all --out DIR"}
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	repo, err := exportRepo(o.out)
	if err != nil {
		return err
	}
	if o.schemaURL == "" {
		// A relative path to the repository's own schema works in any
		// editor without a network; the schema's $id is the fallback.
		if ref, ok := spec.SchemaRef(o.out); ok {
			o.schemaURL = ref
		} else if o.schemaURL, err = tenantSchemaID(); err != nil {
			return err
		}
	}
	client, err := apiClient(e, repo.Config, o.debug)
	if err != nil {
		return err
	}
	custs, err := exportCustomers(ctx, client, o)
	if err != nil {
		return err
	}
	jobs, err := planExport(custs, repo, o, e.stderr)
	if err != nil {
		return err
	}
	if len(jobs) == 0 {
		fmt.Fprintln(e.stdout, "Nothing to export.")
		return nil
	}
	n := o.parallelism
	if n <= 0 {
		n = repo.Config.Parallelism
	}
	return writeExports(ctx, jobs, &exportReader{client: client}, n, o.schemaURL, e)
}

// exportRepo loads the repository DIR belongs to (the nearest directory at
// or above it with a workato-gitops.yaml, else DIR itself) without
// decrypting anything: its config chooses the API, and its tenants must
// not be exported a second time. Problems in its manifests do not stop an
// export.
func exportRepo(out string) (*spec.Repo, error) {
	root := out
	for dir, _ := filepath.Abs(out); ; {
		if _, err := os.Stat(filepath.Join(dir, spec.ConfigFile)); err == nil {
			root = dir
			break
		}
		parent := filepath.Dir(dir)
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil || parent == dir {
			break
		}
		dir = parent
	}
	repo, err := spec.Load(root, spec.Options{Schemas: schemaFS, SkipDecrypt: true})
	var ds spec.Diagnostics
	if err != nil && !errors.As(err, &ds) {
		return nil, err
	}
	return repo, nil
}

// tenantSchemaID is the $id of the embedded tenant schema: where editors
// can fetch it.
func tenantSchemaID() (string, error) {
	data, err := fs.ReadFile(schemaFS, "tenant.schema.json")
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

// exportCustomers finds the customers to export: every one with --all;
// else each --tenant, as an external id first and, when that finds
// nothing and it is a number, as a numeric id.
func exportCustomers(ctx context.Context, c *workato.Client, o exportOptions) ([]workato.Customer, error) {
	if o.all {
		custs, err := c.ListCustomers(ctx)
		if err != nil {
			return nil, fmt.Errorf("list customers: %w", err)
		}
		return custs, nil
	}
	var out []workato.Customer
	seen := map[int64]bool{}
	for _, t := range o.tenants {
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

// planExport names each manifest and decides what to skip, before any
// workspace is read: a customer without an external id (workato-gitops
// addresses workspaces by it) or without the name and notification email
// a manifest requires, and one that a manifest of the repository already
// declares. A file that exists already stops everything, unless --force.
func planExport(custs []workato.Customer, repo *spec.Repo, o exportOptions, stderr io.Writer) ([]exportJob, error) {
	slices.SortFunc(custs, func(a, b workato.Customer) int { return strings.Compare(a.ExternalID, b.ExternalID) })
	declared := map[string]*spec.Tenant{}
	taken := map[string]bool{}
	for _, t := range repo.Tenants {
		declared[t.Customer.ExternalID] = t
		taken[t.Name] = true
	}
	var jobs []exportJob
	var exists []string
	for _, c := range custs {
		msg := ""
		switch {
		case c.ExternalID == "":
			msg = fmt.Sprintf("customer #%d (%s) has no external id; set one in Workato to manage it", c.ID, c.Name)
		case !exportEmail.MatchString(c.NotificationEmail) || c.Name == "":
			msg = fmt.Sprintf("customer %s (#%d) has no name or no valid notification email, which a manifest requires; set them in Workato", c.ExternalID, c.ID)
		}
		if msg != "" {
			if !o.all {
				return nil, errors.New(msg)
			}
			fmt.Fprintf(stderr, "workato-gitops: skipped %s\n", msg)
			continue
		}
		name := tenantName(c.ExternalID, c.ID)
		path := filepath.Join(o.out, name+".yaml")
		if t := declared[c.ExternalID]; t != nil && !samePath(t.Pos.File, path) {
			fmt.Fprintf(stderr, "workato-gitops: skipped customer %s: tenant %q declares it already (%s)\n", c.ExternalID, t.Name, t.Pos.File)
			continue
		} else if t != nil {
			delete(taken, t.Name) // its own file is being rewritten
		}
		if taken[name] {
			name = tenantName(c.ExternalID+"-"+strconv.FormatInt(c.ID, 10), c.ID)
			path = filepath.Join(o.out, name+".yaml")
		}
		taken[name] = true
		if _, err := os.Lstat(path); err == nil && !o.force {
			exists = append(exists, path)
		}
		jobs = append(jobs, exportJob{cust: c, name: name, path: path})
	}
	if len(exists) > 0 {
		return nil, &hinted{err: fmt.Errorf("refusing to overwrite %s; nothing was written", strings.Join(exists, ", ")),
			hint: "use --force to overwrite them, or another --out"}
	}
	return jobs, nil
}

func samePath(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// maxTenantName is the schema's limit on metadata.name.
const maxTenantName = 63

// tenantName derives a metadata.name (^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$,
// at most 63 characters) from an external id: lower-cased, every run of
// other characters replaced by "-", trimmed to start and end with a letter
// or digit. An external id with no letter or digit gives "customer-ID".
func tenantName(externalID string, id int64) string {
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
	if len(name) > maxTenantName {
		name = name[:maxTenantName]
	}
	name = strings.TrimFunc(name, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') })
	if name == "" {
		return "customer-" + strconv.FormatInt(id, 10)
	}
	return name
}

// writeExports reads the workspaces, n at a time, and writes each
// manifest atomically as soon as it is read. A workspace that fails does
// not stop the others; the command fails at the end if any did.
func writeExports(ctx context.Context, jobs []exportJob, r *exportReader, n int, schemaURL string, e env) error {
	if n <= 0 {
		n = spec.DefaultParallelism
	}
	errs := make([]error, len(jobs))
	written := make([]*exported, len(jobs))
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			t, err := r.tenant(ctx, j.cust, j.name)
			if err == nil {
				var buf bytes.Buffer
				if err = renderTenant(&buf, t, schemaURL); err == nil {
					err = atomicWrite(j.path, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err })
				}
			}
			errs[i], written[i] = err, t
		})
	}
	wg.Wait()
	failed := 0
	for i, j := range jobs {
		if errs[i] != nil {
			failed++
			fmt.Fprintf(e.stderr, "workato-gitops: error: export customer %s (#%d): %v\n", j.cust.ExternalID, j.cust.ID, errs[i])
			continue
		}
		t := written[i]
		fmt.Fprintf(e.stdout, "%s: %s (%s, %s, %s, %s)\n", j.path, j.cust.ExternalID, plural(len(t.Members), "member"),
			plural(len(t.Folders), "folder"), plural(len(t.Conns), "connection"), plural(len(t.Recipes), "recipe"))
		if len(t.Skipped) > 0 {
			fmt.Fprintf(e.stderr, "workato-gitops: %s: %s not exported; the file's header says why\n", j.path, plural(len(t.Skipped), "object"))
		}
	}
	if failed > 0 {
		return fmt.Errorf("%s of %d could not be exported (see above)", plural(failed, "workspace"), len(jobs))
	}
	fmt.Fprintf(e.stderr, "workato-gitops: exported %s. Next: fill in connection inputs and run workato-gitops encrypt; then workato-gitops plan (see docs/export.md)\n", plural(len(jobs), "workspace"))
	return nil
}
