package spec

import (
	"bytes"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// schemaSet holds the compiled schemas.
type schemaSet struct {
	tenant, config *jsonschema.Schema
}

// schema file names inside the fs.FS handed in.
const (
	tenantSchemaFile = "tenant.schema.json"
	configSchemaFile = "config.schema.json"
)

// compiled holds, per embed.FS (in practice the one of package schemas),
// the schemas compiled from it: embedded files never change, and a Schema
// is safe for concurrent use (Load already validates files in parallel),
// so a process compiles them once however often it loads. The tests load
// hundreds of times in one process; a command loads once or twice.
var compiled sync.Map // embed.FS -> *schemaSet

func compileSchemas(fsys fs.FS) (*schemaSet, error) {
	e, ok := fsys.(embed.FS)
	if !ok {
		return compileSchemasFrom(fsys)
	}
	if s, ok := compiled.Load(e); ok {
		return s.(*schemaSet), nil
	}
	s, err := compileSchemasFrom(fsys)
	if err != nil {
		return nil, err
	}
	got, _ := compiled.LoadOrStore(e, s)
	return got.(*schemaSet), nil
}

func compileSchemasFrom(fsys fs.FS) (*schemaSet, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	// Schemas are embedded; nothing may be fetched from anywhere.
	c.LoadURL = func(s string) (io.ReadCloser, error) {
		return nil, fmt.Errorf("schema %s: remote references are not allowed", s)
	}
	compile := func(name string) (*jsonschema.Schema, error) {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read schema: %w", err)
		}
		url := "file:///" + name
		if err := c.AddResource(url, bytes.NewReader(data)); err != nil {
			return nil, fmt.Errorf("schema %s: %w", name, err)
		}
		return c.Compile(url)
	}
	t, err := compile(tenantSchemaFile)
	if err != nil {
		return nil, err
	}
	cfg, err := compile(configSchemaFile)
	if err != nil {
		return nil, err
	}
	return &schemaSet{tenant: t, config: cfg}, nil
}

// validate reports every schema violation of doc, each at the line of the
// value (or, for an unknown field, of its key).
func validate(s *jsonschema.Schema, doc *document) Diagnostics {
	err := s.Validate(doc.value)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return Diagnostics{{File: doc.file, Message: "schema validation failed: " + err.Error()}}
	}
	var ds Diagnostics
	for _, leaf := range leaves(ve) {
		ds = append(ds, schemaDiags(doc, leaf)...)
	}
	return ds
}

// leaves walks every cause: the library nests the specific failures under
// the generic ones ("doesn't validate with ...").
func leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// patternMessages say in words what each pattern of the schemas asks for;
// a test checks that every pattern in the schemas has one.
var patternMessages = map[string]string{
	`^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$`:               "must be lower-case letters, digits, '.', '_' or '-', starting and ending with a letter or digit",
	`^[^/]+(/[^/]+)*$`:                                "must be a folder path such as Integrations/Salesforce: no leading, trailing or double slashes",
	`^[^@\s]+@[^@\s]+$`:                               "must be an email address",
	`^[A-Za-z0-9_.-]+$`:                               "must be a connector name: letters, digits, '_', '.' or '-'",
	`^https?://`:                                      "must be an http(s) URL",
	`^(https?://|sandbox:)`:                           "must be an http(s) URL or sandbox:PATH",
	`^(unlimited|[1-9][0-9]*/[1-9][0-9]*(ms|s|m|h))$`: "must be N/DURATION, such as 600/1m, or unlimited",
}

// quotePattern quotes a pattern the way jsonschema/v5 does in its messages.
func quotePattern(p string) string {
	q := strconv.Quote(p)
	q = strings.ReplaceAll(q, `\"`, `"`)
	q = strings.ReplaceAll(q, `'`, `\'`)
	return "'" + q[1:len(q)-1] + "'"
}

// jsonschema/v5 names properties only inside its messages, as 'name'.
var quotedName = regexp.MustCompile(`'((?:[^'\\]|\\.)*)'`)

func schemaDiags(doc *document, ve *jsonschema.ValidationError) Diagnostics {
	ptr := ve.InstanceLocation
	keyword := ve.KeywordLocation[strings.LastIndexByte(ve.KeywordLocation, '/')+1:]
	switch keyword {
	case "additionalProperties":
		var ds Diagnostics
		for _, m := range quotedName.FindAllStringSubmatch(ve.Message, -1) {
			p := ptr + "/" + escapePtr(m[1])
			ds = append(ds, Diagnostic{File: doc.file, Line: doc.keyLine(p), Field: fieldName(p), Message: "unknown field"})
		}
		if len(ds) > 0 {
			return ds
		}
	case "required":
		var ds Diagnostics
		for _, m := range quotedName.FindAllStringSubmatch(ve.Message, -1) {
			ds = append(ds, Diagnostic{File: doc.file, Line: doc.line(ptr), Field: fieldName(ptr + "/" + escapePtr(m[1])), Message: "required field is missing"})
		}
		if len(ds) > 0 {
			return ds
		}
	case "pattern":
		for pat, msg := range patternMessages {
			if strings.HasSuffix(ve.Message, " "+quotePattern(pat)) {
				return Diagnostics{{File: doc.file, Line: doc.line(ptr), Field: fieldName(ptr), Message: msg}}
			}
		}
	}
	if strings.HasSuffix(ve.KeywordLocation, "/then/properties/customer") {
		return Diagnostics{{File: doc.file, Line: doc.keyLine(ptr), Field: fieldName(ptr), Message: "not allowed in a Base: only a Tenant has a customer"}}
	}
	return Diagnostics{{File: doc.file, Line: doc.line(ptr), Field: fieldName(ptr), Message: ve.Message}}
}
