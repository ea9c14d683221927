package workato

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Recipe is a recipe in a customer workspace (reference §9).
type Recipe struct {
	ID                 int64           `json:"id"`
	UserID             int64           `json:"user_id,omitempty"`
	Name               string          `json:"name"`
	Description        string          `json:"description,omitempty"`
	FolderID           int64           `json:"folder_id"`
	Running            bool            `json:"running"`
	VersionNo          int64           `json:"version_no,omitempty"`
	StopCause          *string         `json:"stop_cause"`
	StoppedAt          *time.Time      `json:"stopped_at"`
	LastRunAt          *time.Time      `json:"last_run_at"`
	CreatedAt          time.Time       `json:"created_at"`
	UpdatedAt          time.Time       `json:"updated_at"`
	TriggerApplication string          `json:"trigger_application,omitempty"`
	ActionApplications []string        `json:"action_applications,omitempty"`
	Applications       []string        `json:"applications,omitempty"`
	WebhookURL         *string         `json:"webhook_url,omitempty"`
	JobSucceededCount  int64           `json:"job_succeeded_count,omitempty"`
	JobFailedCount     int64           `json:"job_failed_count,omitempty"`
	LifetimeTaskCount  int64           `json:"lifetime_task_count,omitempty"`
	CopyCount          int64           `json:"copy_count,omitempty"`
	Parameters         json.RawMessage `json:"parameters,omitempty"`
	ParametersSchema   json.RawMessage `json:"parameters_schema,omitempty"`
	Config             []RecipeConfig  `json:"config,omitempty"`
	Code               RecipeCode      `json:"code,omitempty"`
	AuthorName         string          `json:"author_name,omitempty"`
	VersionAuthorName  string          `json:"version_author_name,omitempty"`
	VersionAuthorEmail string          `json:"version_author_email,omitempty"`
	VersionComment     *string         `json:"version_comment,omitempty"`
	Tags               []string        `json:"tags,omitempty"`
}

// RecipeConfig is one connection slot of a recipe; AccountID is the
// connection id, or nil when the slot is unconnected.
type RecipeConfig struct {
	Keyword        string `json:"keyword"`
	Name           string `json:"name,omitempty"`
	Provider       string `json:"provider"`
	SkipValidation bool   `json:"skip_validation"`
	AccountID      *int64 `json:"account_id"`
}

// RecipeCode is a recipe's code: Workato sends it as a JSON-encoded
// string. Should a response carry the object itself, its JSON text is
// kept, so one odd recipe cannot break a whole list.
type RecipeCode string

// UnmarshalJSON accepts a JSON string or any other JSON value.
func (rc *RecipeCode) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		*rc = RecipeCode(s)
		return nil
	}
	if string(data) == "null" {
		*rc = ""
		return nil
	}
	*rc = RecipeCode(data)
	return nil
}

// ListRecipesOptions filters ListRecipes; zero fields are not sent.
type ListRecipesOptions struct {
	FolderID *int64
	Running  *bool
	// SinceID is passed through as since_id.
	SinceID         int64
	StoppedAfter    *time.Time
	StopCause       string // trigger_errors_limit, action_quota_limit, trial_expired or txn_quota_limit
	AdapterNamesAny []string
	AdapterNamesAll []string
}

func (o ListRecipesOptions) query() url.Values {
	q := url.Values{}
	if o.FolderID != nil {
		q.Set("folder_id", itoa(*o.FolderID))
	}
	if o.Running != nil {
		q.Set("running", fmt.Sprint(*o.Running))
	}
	if o.SinceID != 0 {
		q.Set("since_id", itoa(o.SinceID))
	}
	if o.StoppedAfter != nil {
		q.Set("stopped_after", o.StoppedAfter.UTC().Format(time.RFC3339))
	}
	if o.StopCause != "" {
		q.Set("stop_cause", o.StopCause)
	}
	if len(o.AdapterNamesAny) > 0 {
		q.Set("adapter_names_any", strings.Join(o.AdapterNamesAny, ","))
	}
	if len(o.AdapterNamesAll) > 0 {
		q.Set("adapter_names_all", strings.Join(o.AdapterNamesAll, ","))
	}
	return q
}

// ListRecipes lists the recipes of a customer workspace, newest first,
// 100 a page. A recipe created while paging shifts later pages, so
// duplicates are dropped by id.
//
// GET /managed_users/:id/recipes — https://docs.workato.com/oem/oem-api/recipes.html
func (c *Client) ListRecipes(ctx context.Context, cust CustomerRef, opt ListRecipesOptions) ([]Recipe, error) {
	p, err := customerPath(cust, "recipes")
	if err != nil {
		return nil, err
	}
	all, err := listPages[Recipe](ctx, c, p, opt.query())
	if err != nil {
		return nil, err
	}
	seen := make(map[int64]bool, len(all))
	out := all[:0]
	for _, r := range all {
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	return out, nil
}

// StartRecipe starts a recipe. Workato refuses a recipe that does not
// validate with HTTP 200 and success:false; that comes back as a
// *RecipeStartError naming each failing step.
//
// PUT /managed_users/:id/recipes/:recipe_id/start — https://docs.workato.com/oem/oem-api/recipes.html
func (c *Client) StartRecipe(ctx context.Context, cust CustomerRef, recipeID int64) error {
	p, err := customerPath(cust, "recipes", itoa(recipeID), "start")
	if err != nil {
		return err
	}
	err = c.do(ctx, &request{method: http.MethodPut, path: p}, nil)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Refused {
		return newRecipeStartError(recipeID, apiErr)
	}
	return err
}

// StopRecipe stops a recipe.
//
// PUT /managed_users/:id/recipes/:recipe_id/stop — https://docs.workato.com/oem/oem-api/recipes.html
func (c *Client) StopRecipe(ctx context.Context, cust CustomerRef, recipeID int64) error {
	p, err := customerPath(cust, "recipes", itoa(recipeID), "stop")
	if err != nil {
		return err
	}
	return c.do(ctx, &request{method: http.MethodPut, path: p}, nil)
}
