package sandbox

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

type apiRecipeConfig struct {
	Keyword        string `json:"keyword"`
	Name           string `json:"name"`
	Provider       string `json:"provider"`
	SkipValidation bool   `json:"skip_validation"`
	AccountID      *int64 `json:"account_id"`
}

type apiRecipe struct {
	ID                 int64             `json:"id"`
	UserID             int64             `json:"user_id"`
	Name               string            `json:"name"`
	Description        string            `json:"description"`
	FolderID           int64             `json:"folder_id"`
	Running            bool              `json:"running"`
	VersionNo          int               `json:"version_no"`
	StopCause          *string           `json:"stop_cause"`
	StoppedAt          *apiTime          `json:"stopped_at"`
	LastRunAt          *apiTime          `json:"last_run_at"`
	CreatedAt          apiTime           `json:"created_at"`
	UpdatedAt          apiTime           `json:"updated_at"`
	TriggerApplication *string           `json:"trigger_application"`
	ActionApplications []string          `json:"action_applications"`
	Applications       []string          `json:"applications"`
	WebhookURL         *string           `json:"webhook_url"`
	JobSucceededCount  int               `json:"job_succeeded_count"`
	JobFailedCount     int               `json:"job_failed_count"`
	LifetimeTaskCount  int               `json:"lifetime_task_count"`
	CopyCount          int               `json:"copy_count"`
	Config             []apiRecipeConfig `json:"config"`
	Code               string            `json:"code"` // a JSON-encoded string, as Workato sends it
	// The sandbox keeps no authors or version comments: always null.
	AuthorName         *string `json:"author_name"`
	VersionAuthorName  *string `json:"version_author_name"`
	VersionAuthorEmail *string `json:"version_author_email"`
	VersionComment     *string `json:"version_comment"`
}

func recipeAPI(c *customer, r *Recipe) apiRecipe {
	code := string(r.Code)
	if code == "" {
		code = "{}"
	}
	var trigger struct {
		Provider string `json:"provider"`
	}
	json.Unmarshal(r.Code, &trigger)
	out := apiRecipe{
		ID: r.ID, UserID: c.info.ID, Name: r.Name, Description: r.Description, FolderID: r.FolderID,
		Running: r.Running, VersionNo: r.VersionNo, StopCause: stringOrNull(r.StopCause),
		StoppedAt: timeOrNull(r.StoppedAt), LastRunAt: timeOrNull(r.LastRunAt),
		CreatedAt: apiTime(r.CreatedAt), UpdatedAt: apiTime(r.UpdatedAt),
		TriggerApplication: stringOrNull(trigger.Provider),
		ActionApplications: []string{}, Applications: []string{}, Config: []apiRecipeConfig{}, Code: code,
	}
	for _, cfg := range r.Config {
		out.Config = append(out.Config, apiRecipeConfig{Keyword: cmp.Or(cfg.Keyword, "application"),
			Name: cmp.Or(cfg.Name, cfg.Provider), Provider: cfg.Provider,
			SkipValidation: cfg.SkipValidation, AccountID: idOrNull(cfg.AccountID)})
		if !slices.Contains(out.Applications, cfg.Provider) {
			out.Applications = append(out.Applications, cfg.Provider)
		}
		if cfg.Provider != trigger.Provider && !slices.Contains(out.ActionApplications, cfg.Provider) {
			out.ActionApplications = append(out.ActionApplications, cfg.Provider)
		}
	}
	return out
}

// listRecipes returns newest first (descending id), per_page default 10 and
// max 100, filtered by folder_id (direct only), running, stop_cause,
// stopped_after, adapter_names_any/all and since_id. since_id keeps ids
// below it, so that since_id = the smallest id of the previous page walks
// on; its direction is UNCONFIRMED [design.md: recipes list filters].
func (s *Server) listRecipes(w http.ResponseWriter, r *http.Request) {
	page, per, ok := paging(r, 10, 100)
	f, okFilter := parseRecipeFilter(r)
	if !ok || !okFilter {
		badRequest(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.customerFor(w, r)
	if c == nil {
		return
	}
	var match []*Recipe
	for _, rc := range c.sortedRecipes() {
		if f.keep(c, rc) {
			match = append(match, rc)
		}
	}
	slices.Reverse(match)
	lo, hi := pageOf(len(match), page, per)
	out := []apiRecipe{}
	for _, rc := range match[lo:hi] {
		out = append(out, recipeAPI(c, rc))
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": out})
}

// recipeFilter is the query of a recipe list; zero fields do not filter.
type recipeFilter struct {
	folderID, sinceID int64
	running           *bool
	stopCause         string
	stoppedAfter      time.Time
	// Adapter names are comma-separated; whether Workato also takes
	// repeated parameters is UNCONFIRMED [design.md: recipes list filters].
	anyOf, allOf []string
}

func parseRecipeFilter(r *http.Request) (recipeFilter, bool) {
	q := r.URL.Query()
	var f recipeFilter
	var ok1, ok2, ok3 bool
	f.folderID, ok1 = queryID(r, "folder_id")
	f.sinceID, ok2 = queryID(r, "since_id")
	f.running, ok3 = parseOptionalBool(q.Get("running"))
	f.stopCause = q.Get("stop_cause")
	if v := q.Get("stopped_after"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return f, false
		}
		f.stoppedAfter = t
	}
	split := func(v string) []string {
		if v == "" {
			return nil
		}
		return strings.Split(v, ",")
	}
	f.anyOf, f.allOf = split(q.Get("adapter_names_any")), split(q.Get("adapter_names_all"))
	return f, ok1 && ok2 && ok3
}

func (f recipeFilter) keep(c *customer, rc *Recipe) bool {
	switch {
	case f.folderID != 0 && rc.FolderID != f.folderID,
		f.sinceID != 0 && rc.ID >= f.sinceID,
		f.running != nil && rc.Running != *f.running,
		f.stopCause != "" && rc.StopCause != f.stopCause,
		!f.stoppedAfter.IsZero() && !rc.StoppedAt.After(f.stoppedAfter):
		return false
	}
	apps := recipeAPI(c, rc).Applications
	if len(f.anyOf) > 0 && !slices.ContainsFunc(f.anyOf, func(a string) bool { return slices.Contains(apps, a) }) {
		return false
	}
	return !slices.ContainsFunc(f.allOf, func(a string) bool { return !slices.Contains(apps, a) })
}

func parseOptionalBool(v string) (*bool, bool) {
	if v == "" {
		return nil, true
	}
	b, err := strconv.ParseBool(v)
	return &b, err == nil
}

func (s *Server) recipeFor(w http.ResponseWriter, r *http.Request) (*customer, *Recipe) {
	c := s.customerFor(w, r)
	if c == nil {
		return nil, nil
	}
	id, err := strconv.ParseInt(r.PathValue("recipe_id"), 10, 64)
	rc := c.recipes[id]
	if err != nil || rc == nil {
		notFound(w)
		return nil, nil
	}
	return c, rc
}

func (s *Server) getRecipe(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, rc := s.recipeFor(w, r); rc != nil {
		writeJSON(w, http.StatusOK, recipeAPI(c, rc))
	}
}

// startRecipe refuses, with HTTP 200 and success:false, a recipe whose
// connections are missing or not authorized. Starting a running recipe
// succeeds without change (UNCONFIRMED [design.md: start a running recipe]).
func (s *Server) startRecipe(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, rc := s.recipeFor(w, r)
	if rc == nil {
		return
	}
	if errs := c.configErrors(rc); len(errs) > 0 {
		writeJSON(w, http.StatusOK, map[string]any{"success": false, "code_errors": []any{}, "config_errors": errs})
		return
	}
	if !rc.Running {
		markRunning(rc, s.now())
		s.version++
	}
	writeJSON(w, http.StatusOK, json.RawMessage(`{"success":true}`))
}

func (s *Server) stopRecipe(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, rc := s.recipeFor(w, r)
	if rc == nil {
		return
	}
	if rc.Running {
		rc.Running, rc.StoppedAt, rc.StopCause = false, s.now(), ""
		s.version++
	}
	writeJSON(w, http.StatusOK, json.RawMessage(`{"success":true}`))
}

func markRunning(rc *Recipe, now time.Time) {
	rc.Running, rc.StopCause = true, ""
	rc.UpdatedAt = now
}

// configErrors lists, per config entry, a connection that is missing or not
// authorized, as [step, [["account_id", id, "unconnected", {key}]]]. The step
// number is the entry's 1-based position (UNCONFIRMED [design.md: start refusal step number]; Workato's is the
// recipe step that needs the connection, which the sandbox does not model).
func (c *customer) configErrors(rc *Recipe) []any {
	var out []any
	for i, cfg := range rc.Config {
		if cfg.AccountID == 0 {
			continue
		}
		conn := c.conns[cfg.AccountID]
		if conn != nil && cfg.Provider != "" && conn.Provider != cfg.Provider {
			// The Developer API spec allows a plain string entry ("...
			// or string"); the sandbox sends one for a connection of
			// another provider. Case and wording are invented.
			out = append(out, "Connection "+conn.Name+" is not a "+cfg.Provider+" connection")
			continue
		}
		if conn != nil && conn.AuthorizationStatus == "success" {
			continue
		}
		detail := map[string]string{"key": "packages.recipe_source_code.flow_validations.errors.config_unconnected"}
		out = append(out, []any{i + 1, []any{[]any{"account_id", cfg.AccountID, "unconnected", detail}}})
	}
	return out
}
