package sandbox

import (
	"encoding/json"
	"net/http"
)

// defaultPlanID stands in for "the partner's default plan".
const defaultPlanID = "oem_plan"

// apiCustomer is the customer object. Create, get and update return it
// bare, as the old docs show; whether the current API wraps it in
// {"result": ...} is UNCONFIRMED [design.md: single-object envelope].
type apiCustomer struct {
	ID                    int64    `json:"id"`
	ExternalID            *string  `json:"external_id"`
	Name                  string   `json:"name"`
	NotificationEmail     string   `json:"notification_email"`
	PlanID                string   `json:"plan_id"`
	OriginURL             *string  `json:"origin_url"`
	InTrial               bool     `json:"in_trial"`
	Trial                 bool     `json:"trial"`
	WhitelistedApps       []string `json:"whitelisted_apps"`
	CreatedAt             apiTime  `json:"created_at"`
	UpdatedAt             apiTime  `json:"updated_at"`
	ActiveConnectionCount int      `json:"active_connection_count"`
	ActiveRecipeCount     int      `json:"active_recipe_count"`
	// Environments is set for a customer with Environments provisioned.
	Environments []apiEnvironment `json:"environments,omitempty"`
}

// apiEnvironment is one entry of the environments property. The docs
// describe the property ("the PROD and TEST environments IDs") without a
// captured sample; these field names are invented (docs/design.md row
// "environments property").
type apiEnvironment struct {
	ID              int64  `json:"id"`
	EnvironmentType string `json:"environment_type"`
}

func (c *customer) api() apiCustomer {
	out := apiCustomer{
		ID: c.info.ID, ExternalID: stringOrNull(c.info.ExternalID), Name: c.info.Name,
		NotificationEmail: c.info.NotificationEmail, PlanID: c.info.PlanID,
		OriginURL: stringOrNull(c.info.OriginURL), InTrial: c.info.InTrial, Trial: c.info.InTrial,
		WhitelistedApps: []string{},
		CreatedAt:       apiTime(c.info.CreatedAt), UpdatedAt: apiTime(c.info.UpdatedAt),
	}
	for _, conn := range c.conns {
		if conn.AuthorizationStatus == "success" {
			out.ActiveConnectionCount++
		}
	}
	for _, r := range c.recipes {
		if r.Running {
			out.ActiveRecipeCount++
		}
	}
	return out
}

// customerFor resolves the :id path value, writing a 404 when unknown.
// The caller must hold s.mu.
func (s *Server) customerFor(w http.ResponseWriter, r *http.Request) *customer {
	c := s.w.customerByRef(r.PathValue("id"))
	if c == nil {
		notFound(w)
	}
	return c
}

// listCustomers pages in creation order. The default page size is
// UNCONFIRMED [design.md: customers list paging]; 100 matches what known clients ask for.
func (s *Server) listCustomers(w http.ResponseWriter, r *http.Request) {
	page, per, ok := paging(r, 100, 100)
	if !ok {
		badRequest(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// TEST and PROD workspaces are listed only in their customer's
	// environments property.
	var listed []*customer
	for _, c := range s.w.customers {
		if c.info.EnvironmentOf == 0 {
			listed = append(listed, c)
		}
	}
	lo, hi := pageOf(len(listed), page, per)
	out := []apiCustomer{}
	for _, c := range listed[lo:hi] {
		x := c.api()
		x.Environments = s.w.environmentsOf(c)
		out = append(out, x)
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": out})
}

func (s *Server) getCustomer(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.customerFor(w, r); c != nil {
		x := c.api()
		if !s.opts.EnvironmentsOnlyInList {
			x.Environments = s.w.environmentsOf(c)
		}
		writeJSON(w, http.StatusOK, x)
	}
}

// environmentsOf lists the TEST and PROD workspaces of c, by type.
func (w *world) environmentsOf(c *customer) []apiEnvironment {
	var out []apiEnvironment
	for _, typ := range []string{"test", "prod"} {
		for _, e := range w.customers {
			if e.info.EnvironmentOf == c.info.ID && e.info.EnvironmentType == typ {
				out = append(out, apiEnvironment{ID: e.info.ID, EnvironmentType: typ})
			}
		}
	}
	return out
}

// customerBody maps each field present in a create or update body to its
// value; nil means an explicit JSON null, which clears the field.
type customerBody map[string]*string

// customerFields are the body fields create and update understand; others
// are ignored, as Rails ignores unpermitted parameters.
var customerFields = []string{"name", "notification_email", "external_id", "plan_id", "origin_url"}

func (s *Server) createCustomer(w http.ResponseWriter, r *http.Request) {
	var b customerBody
	if decodeCustomerBody(r, &b) != nil {
		badRequest(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	info := Customer{PlanID: defaultPlanID}
	if errs := s.applyCustomerBody(&info, nil, b, true); len(errs) > 0 {
		errs.write(w)
		return
	}
	now := s.now()
	info.ID, info.HomeFolderID, info.CreatedAt, info.UpdatedAt = s.w.alloc(), s.w.alloc(), now, now
	c := newCustomer(info)
	c.folders[info.HomeFolderID] = &folder{ID: info.HomeFolderID, Name: "Home", CreatedAt: now, UpdatedAt: now}
	s.w.customers = append(s.w.customers, c)
	s.version++
	writeJSON(w, http.StatusOK, c.api())
}

// updateCustomer changes only the fields present; null clears a field.
func (s *Server) updateCustomer(w http.ResponseWriter, r *http.Request) {
	var b customerBody
	if decodeCustomerBody(r, &b) != nil {
		badRequest(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.customerFor(w, r)
	if c == nil {
		return
	}
	info := c.info
	if errs := s.applyCustomerBody(&info, c, b, false); len(errs) > 0 {
		errs.write(w)
		return
	}
	info.UpdatedAt = s.now()
	c.info = info
	s.w.setIndex(c)
	s.version++
	writeJSON(w, http.StatusOK, c.api())
}

func decodeCustomerBody(r *http.Request, b *customerBody) error {
	var raw map[string]json.RawMessage
	if err := decodeBody(r, &raw); err != nil {
		return err
	}
	*b = customerBody{}
	for _, f := range customerFields {
		v, ok := raw[f]
		if !ok {
			continue
		}
		var str *string
		if err := json.Unmarshal(v, &str); err != nil {
			return err
		}
		(*b)[f] = str
	}
	return nil
}

// applyCustomerBody validates a body and copies it onto info.
func (s *Server) applyCustomerBody(info *Customer, self *customer, b customerBody, create bool) fieldErrors {
	dst := map[string]*string{
		"name": &info.Name, "notification_email": &info.NotificationEmail,
		"external_id": &info.ExternalID, "plan_id": &info.PlanID, "origin_url": &info.OriginURL,
	}
	for f, v := range b {
		*dst[f] = ""
		if v != nil {
			*dst[f] = *v
		}
	}
	if info.PlanID == "" {
		info.PlanID = defaultPlanID
	}
	errs := fieldErrors{}
	for _, f := range []string{"name", "notification_email"} {
		if _, present := b[f]; *dst[f] == "" && (create || present) {
			errs.add(f, "can't be blank")
		}
	}
	if info.ExternalID != "" {
		if o := s.w.customerByRef("E" + info.ExternalID); o != nil && o != self {
			errs.add("external_id", "has already been taken")
		}
	}
	return errs
}
