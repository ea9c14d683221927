package workato

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// RecipeStartError is Workato's refusal to start a recipe: HTTP 200 with
// success:false and per-step code_errors and config_errors. Config errors
// cover missing, deleted or disconnected connections.
type RecipeStartError struct {
	RecipeID     int64
	CodeErrors   []StepError
	ConfigErrors []StepError
	// Err is the underlying refusal; errors.Is(err, ErrRefused) holds.
	Err *APIError
}

// NoStep is the Step of an error that came as a plain string.
const NoStep = -1

// StepError is one record of code_errors or config_errors: the step
// number, the label of the offending field, its value (often null), the
// message, and a path when Workato sends one.
type StepError struct {
	Step    int
	Label   string
	Value   string // the value's JSON text; empty for null
	Message string
	Path    string
}

func (s StepError) String() string {
	var b strings.Builder
	if s.Step != NoStep {
		fmt.Fprintf(&b, "step %d: ", s.Step)
	}
	if s.Label != "" {
		b.WriteString(s.Label)
		if s.Value != "" {
			b.WriteString(" " + s.Value)
		}
		b.WriteString(": ")
	}
	b.WriteString(s.Message)
	return b.String()
}

func (e *RecipeStartError) Error() string {
	var parts []string
	for _, s := range e.ConfigErrors {
		parts = append(parts, s.String())
	}
	for _, s := range e.CodeErrors {
		parts = append(parts, s.String())
	}
	if len(parts) == 0 {
		return fmt.Sprintf("workato: start recipe %d: %v", e.RecipeID, e.Err)
	}
	return fmt.Sprintf("workato: start recipe %d: %s", e.RecipeID, strings.Join(parts, "; "))
}

func (e *RecipeStartError) Unwrap() error { return e.Err }

func newRecipeStartError(recipeID int64, apiErr *APIError) *RecipeStartError {
	var body struct {
		CodeErrors   json.RawMessage `json:"code_errors"`
		ConfigErrors json.RawMessage `json:"config_errors"`
	}
	// A body that does not parse still yields an error; just no steps.
	_ = json.Unmarshal(apiErr.body, &body)
	return &RecipeStartError{
		RecipeID:     recipeID,
		CodeErrors:   parseStepErrors(body.CodeErrors),
		ConfigErrors: parseStepErrors(body.ConfigErrors),
		Err:          apiErr,
	}
}

// parseStepErrors decodes [[step, [[label, value, message, path?, ...], ...]], ...].
// Records have 3 to 5 elements. An entry may also be a plain string (the
// Developer API spec: "[step_number, [error_arrays]] or string"); it is
// kept as a message with no step. Anything malformed is skipped rather
// than hiding the rest.
func parseStepErrors(raw json.RawMessage) []StepError {
	var steps []json.RawMessage
	if json.Unmarshal(raw, &steps) != nil {
		return nil
	}
	var out []StepError
	for _, entry := range steps {
		var msg string
		if json.Unmarshal(entry, &msg) == nil {
			if msg != "" {
				out = append(out, StepError{Step: NoStep, Message: msg})
			}
			continue
		}
		out = append(out, parseStep(entry)...)
	}
	return out
}

func parseStep(entry json.RawMessage) []StepError {
	var st []json.RawMessage
	if json.Unmarshal(entry, &st) != nil || len(st) < 2 {
		return nil
	}
	var step int
	var records [][]json.RawMessage
	if json.Unmarshal(st[0], &step) != nil || json.Unmarshal(st[1], &records) != nil {
		return nil
	}
	var out []StepError
	for _, rec := range records {
		if len(rec) < 3 {
			continue
		}
		se := StepError{Step: step, Label: jsonText(rec[0]), Value: jsonText(rec[1]), Message: jsonText(rec[2])}
		if len(rec) > 3 {
			var path string
			if json.Unmarshal(rec[3], &path) == nil {
				se.Path = path
			}
		}
		out = append(out, se)
	}
	return out
}

// jsonText renders a JSON value for a message: strings unquoted, null
// empty, anything else as compact JSON.
func jsonText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	raw = bytes.TrimSpace(raw)
	if string(raw) == "null" {
		return ""
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return ""
	}
	return b.String()
}
