package sandbox

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// Bounds on what a package may expand to, against zip bombs: the body is
// already limited, but a small zip can declare, or inflate to, far more.
const (
	maxPackageEntries   = 10000
	maxPackageFileBytes = 16 << 20
	maxPackageJSONBytes = 256 << 20 // all asset files together
)

// pkg is a parsed package: the folders its directories imply, and its
// connection and recipe assets, every path relative to the target folder.
type pkg struct {
	dirs        []string // sorted, parents before children
	connections []pkgConnection
	recipes     []pkgRecipe
}

type pkgConnection struct {
	zipName    string
	dir        string
	name       string
	provider   string
	rootFolder bool
}

type pkgRecipe struct {
	zipName     string
	dir         string
	name        string
	description string
	code        json.RawMessage
	config      []pkgConfig
}

type pkgConfig struct {
	Keyword        string       `json:"keyword"`
	Provider       string       `json:"provider"`
	Name           string       `json:"name"`
	SkipValidation bool         `json:"skip_validation"`
	AccountID      *pkgAssetRef `json:"account_id"`
}

// pkgAssetRef is how a recipe names a connection in the same package.
type pkgAssetRef struct {
	ZipName string `json:"zip_name"`
	Name    string `json:"name"`
	Folder  string `json:"folder"`
}

// parsePackage reads a package zip. Every entry name must stay inside the
// target folder; asset types other than recipes and connections are
// tolerated and ignored, as Workato adds types over time.
func parsePackage(data []byte) (*pkg, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not a zip archive: %w", err)
	}
	if len(zr.File) > maxPackageEntries {
		return nil, fmt.Errorf("too many entries (%d, maximum %d)", len(zr.File), maxPackageEntries)
	}
	p := &pkg{}
	dirs, seen := map[string]bool{}, map[string]bool{}
	budget := int64(maxPackageJSONBytes)
	for _, f := range zr.File {
		name, isDir, err := safeEntryName(f)
		if err != nil {
			return nil, err
		}
		if seen[name] {
			return nil, fmt.Errorf("%s: duplicate entry", name)
		}
		seen[name] = true
		if isDir {
			addDirs(dirs, name)
			continue
		}
		addDirs(dirs, path.Dir(name))
		if err := p.addAsset(f, name, &budget); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	for d := range dirs {
		p.dirs = append(p.dirs, d)
	}
	sort.Strings(p.dirs) // "a" sorts before "a/b"
	return p, nil
}

// safeEntryName cleans an entry name, refusing any that is absolute or
// climbs out of the target folder (zip slip), and symlinks.
func safeEntryName(f *zip.File) (name string, isDir bool, err error) {
	raw := f.Name
	bad := func(why string) (string, bool, error) {
		return "", false, fmt.Errorf("unsafe entry name %q: %s", raw, why)
	}
	slashed := strings.ReplaceAll(raw, `\`, "/") // Windows tools write backslashes
	switch {
	case raw == "" || strings.ContainsRune(raw, 0):
		return bad("empty or NUL")
	case strings.HasPrefix(slashed, "/"):
		return bad("absolute path")
	case len(slashed) >= 2 && slashed[1] == ':':
		return bad("drive letter")
	case f.Mode().Type() != 0 && !f.Mode().IsDir():
		return bad("not a regular file or directory") // symlinks above all

	}
	for _, seg := range strings.Split(slashed, "/") {
		if seg == ".." {
			return bad("parent directory reference")
		}
	}
	isDir = strings.HasSuffix(slashed, "/") || f.Mode().IsDir()
	name = path.Clean(slashed)
	if name == "." {
		return "", true, nil
	}
	return name, isDir, nil
}

func addDirs(dirs map[string]bool, dir string) {
	for dir != "." && dir != "" && dir != "/" {
		dirs[dir] = true
		dir = path.Dir(dir)
	}
}

func (p *pkg) addAsset(f *zip.File, name string, budget *int64) error {
	isRecipe := strings.HasSuffix(name, ".recipe.json")
	isConn := strings.HasSuffix(name, ".connection.json")
	if !isRecipe && !isConn {
		return nil
	}
	data, err := readEntry(f, budget)
	if err != nil {
		return err
	}
	dir := path.Dir(name)
	if dir == "." {
		dir = ""
	}
	if isConn {
		c, err := parseConnectionAsset(data)
		if err != nil {
			return err
		}
		c.zipName, c.dir = name, dir
		p.connections = append(p.connections, c)
		return nil
	}
	r, err := parseRecipeAsset(data)
	if err != nil {
		return err
	}
	r.zipName, r.dir = name, dir
	p.recipes = append(p.recipes, r)
	return nil
}

// readEntry reads one asset through size limits that do not trust the
// sizes the zip declares.
func readEntry(f *zip.File, budget *int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	limit := min(int64(maxPackageFileBytes), *budget)
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errors.New("asset too large")
	}
	*budget -= int64(len(data))
	return data, nil
}

func parseConnectionAsset(data []byte) (pkgConnection, error) {
	var a struct {
		Name       string          `json:"name"`
		Provider   json.RawMessage `json:"provider"`
		RootFolder bool            `json:"root_folder"`
	}
	if err := json.Unmarshal(data, &a); err != nil {
		return pkgConnection{}, err
	}
	c := pkgConnection{name: a.Name, rootFolder: a.RootFolder}
	// A custom connector's provider is a reference to its asset; the
	// sandbox names it after the referenced file.
	var ref pkgAssetRef
	if json.Unmarshal(a.Provider, &c.provider) != nil && json.Unmarshal(a.Provider, &ref) == nil {
		c.provider = strings.TrimSuffix(path.Base(ref.ZipName), ".custom_adapter.json")
	}
	if c.name == "" || c.provider == "" {
		return pkgConnection{}, errors.New("connection needs a name and a provider")
	}
	return c, nil
}

func parseRecipeAsset(data []byte) (pkgRecipe, error) {
	var a struct {
		Name        string          `json:"name"`
		Description string          `json:"description"`
		Code        json.RawMessage `json:"code"`
		Config      []pkgConfig     `json:"config"`
	}
	if err := json.Unmarshal(data, &a); err != nil {
		return pkgRecipe{}, err
	}
	if a.Name == "" {
		return pkgRecipe{}, errors.New("recipe needs a name")
	}
	var code bytes.Buffer
	if len(a.Code) > 0 && json.Compact(&code, a.Code) != nil {
		return pkgRecipe{}, errors.New("recipe code is not JSON")
	}
	for _, cfg := range a.Config {
		if ref := cfg.AccountID; ref != nil && escapes(ref.Folder) {
			return pkgRecipe{}, fmt.Errorf("connection reference folder %q escapes the package", ref.Folder)
		}
	}
	return pkgRecipe{name: a.Name, description: a.Description, code: code.Bytes(), config: a.Config}, nil
}

func escapes(rel string) bool {
	rel = strings.ReplaceAll(rel, `\`, "/")
	return strings.HasPrefix(rel, "/") || strings.Contains("/"+rel+"/", "/../")
}
