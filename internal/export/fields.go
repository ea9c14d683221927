package export

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// renderObject writes one object's fields, in the order of its type's
// yaml tags, and then its notes: as a list item when item, else as the
// mapping of a single kind (the customer).
func renderObject(p func(string, ...any), o Object, item bool) error {
	fields, err := yamlFields(o.Value)
	if err != nil {
		return err
	}
	if len(fields) == 0 {
		return fmt.Errorf("%T: no field to write", o.Value)
	}
	indent := "  "
	if item {
		indent = "    "
	}
	for i, f := range fields {
		lead := indent
		if item && i == 0 {
			lead = "  - "
		}
		p("%s%s: %s\n", lead, f[0], f[1])
	}
	for _, n := range o.Notes {
		if n.Key == "" {
			p("%s# %s\n", indent, comment(n.Text))
			continue
		}
		entry := yamlScalar(n.Key) + ":"
		if n.Value != "" {
			entry += " " + yamlScalar(n.Value)
		}
		p("%s# %s%s\n", indent, strings.Repeat("  ", n.Depth), entry)
	}
	return nil
}

// yamlFields are v's fields as the manifest writes them, name and
// rendered value, in declaration order: every exported field has a yaml
// tag ("-" leaves it out; omitempty, when it is zero).
func yamlFields(v any) ([][2]string, error) {
	rv := reflect.Indirect(reflect.ValueOf(v))
	if rv.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%T is not a struct", v)
	}
	var out [][2]string
	for i := range rv.NumField() {
		sf := rv.Type().Field(i)
		if !sf.IsExported() {
			continue
		}
		tag, ok := sf.Tag.Lookup("yaml")
		if !ok {
			return nil, fmt.Errorf("%T.%s has no yaml tag", v, sf.Name)
		}
		name, opts, _ := strings.Cut(tag, ",")
		fv := rv.Field(i)
		if name == "-" || (opts == "omitempty" && fv.IsZero()) {
			continue
		}
		if name == "" {
			return nil, fmt.Errorf("%T.%s: its yaml tag names no field", v, sf.Name)
		}
		s, err := scalar(fv)
		if err != nil {
			return nil, fmt.Errorf("%T.%s: %w", v, sf.Name, err)
		}
		out = append(out, [2]string{yamlScalar(name), s})
	}
	return out, nil
}

// scalar renders a field's value, which parses back to the same value.
func scalar(v reflect.Value) (string, error) {
	switch v.Kind() {
	case reflect.String:
		return yamlScalar(v.String()), nil
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), nil
	}
	return "", errors.New("export writes strings, booleans and integers only, not " + v.Type().String())
}
