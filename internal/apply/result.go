package apply

import (
	"strings"

	"github.com/workato-gitops/workato-gitops/internal/plan"
)

// Result is what an apply did, tenant by tenant. Its JSON form (apply
// --json) carries the same format_version as plans.
type Result struct {
	FormatVersion string         `json:"format_version"`
	Tenants       []TenantResult `json:"tenants"`
	// TimeLimitReached is set when the time limit (apply --max-duration)
	// kept a tenant or an action from starting.
	TimeLimitReached bool `json:"time_limit_reached,omitempty"`
	// RolloutStopped says which wave stopped the rollout, and why; the
	// tenants of later waves are not_applied with the same reason.
	RolloutStopped string `json:"rollout_stopped,omitempty"`
}

// Tenant statuses after an apply.
const (
	StatusApplied    = "applied"     // every action ran
	StatusPartial    = "partial"     // some actions failed or were skipped
	StatusFailed     = "failed"      // nothing could be applied
	StatusUnchanged  = "unchanged"   // the plan had nothing to do
	StatusNotApplied = "not_applied" // blocked or failed at plan time, or interrupted
)

// TenantResult is one tenant's apply (one environment's, for a tenant
// with customer.environments).
type TenantResult struct {
	Name string `json:"name"`
	// Environment is the Embedded Environment applied, as in the plan
	// ("dev", "test", "prod"; empty without customer.environments).
	Environment string     `json:"environment,omitempty"`
	Status      string     `json:"status"`
	Reason      string     `json:"reason,omitempty"`
	Wave        int        `json:"wave,omitempty"` // the rollout wave (1: the canaries); 0: none
	Ran         []Outcome  `json:"ran"`
	Failed      []Outcome  `json:"failed"`
	Skipped     []Outcome  `json:"skipped"`
	Connections []Verified `json:"connections,omitempty"` // read back after the apply
	Ledger      string     `json:"ledger"`                // written, unchanged, or failed: why
}

// Outcome is one action's fate.
type Outcome struct {
	Action string `json:"action"`
	LiveID int64  `json:"live_id,omitempty"`
	Error  string `json:"error,omitempty"`  // the API's message, for failed actions
	Reason string `json:"reason,omitempty"` // why it was skipped
}

// Verified is a connection's state read back after the apply.
type Verified struct {
	Key                 string `json:"key"`
	ID                  int64  `json:"id"`
	AuthorizationStatus string `json:"authorization_status"`
	AuthorizationError  string `json:"authorization_error,omitempty"`
}

// FailedBeyondTimeLimit reports whether anything failed other than being
// skipped at the time limit (apply --max-duration): a failed action, a
// tenant that failed or a ledger that could not be written. A result with
// only time-limit skips is work left for the next run, not a failure.
func (r *Result) FailedBeyondTimeLimit() bool {
	for _, t := range r.Tenants {
		if len(t.Failed) > 0 || t.Status == StatusFailed || strings.HasPrefix(t.Ledger, "failed") {
			return true
		}
	}
	return false
}

// Failed reports whether anything failed or was skipped.
func (r *Result) Failed() bool {
	for _, t := range r.Tenants {
		if t.Status == StatusPartial || t.Status == StatusFailed || strings.HasPrefix(t.Ledger, "failed") {
			return true
		}
	}
	return false
}

// Label names the result in output: the tenant, and its environment when
// it has one ("acme env prod").
func (t *TenantResult) Label() string { return plan.UnitLabel(t.Name, t.Environment) }
