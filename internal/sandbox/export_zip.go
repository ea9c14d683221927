package sandbox

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// recipeFile and connectionFile are the package files, in the layout of
// real exports (reference §8) that parsePackage reads back.
type recipeFile struct {
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Version     int          `json:"version"`
	Private     bool         `json:"private"`
	Concurrency int          `json:"concurrency"`
	Code        any          `json:"code"`
	Config      []configFile `json:"config"`
}

type configFile struct {
	Keyword        string       `json:"keyword"`
	Provider       string       `json:"provider"`
	Name           string       `json:"name,omitempty"`
	SkipValidation bool         `json:"skip_validation"`
	AccountID      *pkgAssetRef `json:"account_id"`
}

type connectionFile struct {
	Name       string `json:"name"`
	Provider   string `json:"provider"`
	RootFolder bool   `json:"root_folder"`
}

// buildPackage zips what a manifest selects under folderID: every asset
// of the folder with auto_generate_assets, else the recipes and
// connections it lists, plus the connections selected recipes use. Asset
// types the sandbox does not model are left out. The file contents are
// deterministic; the zip container deliberately is not (deflated, dated
// now, with directory entries), as a real export's is not, so that
// clients canonicalise what they download.
func (c *customer) buildPackage(folderID int64, spec manifestSpec, now time.Time) ([]byte, error) {
	if c.folders[folderID] == nil {
		return nil, errors.New("Folder not found")
	}
	set := c.packageAssets(folderID)
	listed := map[string]bool{}
	for _, a := range spec.Assets {
		listed[a.Type+":"+strings.Trim(string(a.ID), `"`)] = true
	}
	want := func(typ string, id int64) bool {
		return spec.AutoGenerateAssets || listed[typ+":"+strconv.FormatInt(id, 10)]
	}
	files := map[string][]byte{}
	needed := map[int64]bool{}
	for id, a := range set.recipes {
		if !want("recipe", id) {
			continue
		}
		rc := c.recipes[id]
		f := recipeFile{Name: rc.Name, Description: rc.Description, Version: rc.VersionNo, Private: true, Concurrency: 1,
			Code: rawOrNull(rc.Code), Config: []configFile{}}
		for _, cfg := range rc.Config {
			cf := configFile{Keyword: cfg.Keyword, Provider: cfg.Provider, Name: cfg.Name, SkipValidation: cfg.SkipValidation}
			if conn, ok := set.conns[cfg.AccountID]; ok && cfg.AccountID != 0 {
				needed[cfg.AccountID] = true
				cf.AccountID = &pkgAssetRef{ZipName: conn.ZipName, Name: conn.Name, Folder: conn.Folder}
			}
			f.Config = append(f.Config, cf)
		}
		files[a.ZipName] = indentJSON(f)
	}
	for id, a := range set.conns {
		if !want("connection", id) && !needed[id] {
			continue
		}
		conn := c.conns[id]
		files[a.ZipName] = indentJSON(connectionFile{Name: conn.Name, Provider: conn.Provider, RootFolder: a.RootFolder})
	}
	if len(files) == 0 {
		//lint:ignore ST1005 the sandbox answers with Workato's own message
		return nil, errors.New("The manifest selects no assets")
	}
	return writeExportZip(files, now)
}

func indentJSON(v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic("sandbox: encode package file: " + err.Error()) // plain data: a bug
	}
	return append(b, '\n') // as people write JSON files; Git diffs stay clean
}

// writeExportZip writes directories first, then files in reverse name
// order: any order but the canonical one.
func writeExportZip(files map[string][]byte, now time.Time) ([]byte, error) {
	dirs := map[string]bool{}
	for name := range files {
		addDirs(dirs, path.Dir(name))
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, d := range slices.Sorted(maps.Keys(dirs)) {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: d + "/", Modified: now}); err != nil {
			return nil, err
		}
	}
	names := slices.Sorted(maps.Keys(files))
	slices.Reverse(names)
	for _, name := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(files[name]); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
