package workato

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

type endpointCase struct {
	name        string
	call        func(ctx context.Context, c *Client) (any, error)
	method      string
	path        string
	query       url.Values
	body        string // expected JSON body; empty for none
	rawBody     []byte // expected non-JSON body
	contentType string
	reply       string // fixture name or literal JSON
	want        any
}

func TestEndpoints(t *testing.T) {
	acme := ByID(98178)
	pageOne := url.Values{"page": {"1"}, "per_page": {"100"}}
	zip := []byte("PK\x03\x04 not really a zip \x00\xff")
	cases := append(endpointCases(t, acme, pageOne), assetCases(t, acme, pageOne, zip)...)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, replyJSON(t, http.StatusOK, tc.reply))
			c := newTestClient(t, s, nil)
			got, err := tc.call(context.Background(), c)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("decoded value mismatch (-want +got):\n%s", diff)
			}
			reqs := s.requests()
			if len(reqs) != 1 {
				t.Fatalf("got %d requests, want 1", len(reqs))
			}
			checkRequest(t, tc, reqs[0])
		})
	}
}

func checkRequest(t *testing.T, tc endpointCase, r seen) {
	t.Helper()
	if r.Method != tc.method || r.Path != tc.path {
		t.Errorf("request = %s %s, want %s %s", r.Method, r.Path, tc.method, tc.path)
	}
	if diff := cmp.Diff(tc.query, r.Query, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("query mismatch (-want +got):\n%s", diff)
	}
	if got, want := r.Header.Get("Authorization"), "Bearer "+testToken; got != want {
		t.Errorf("Authorization = %q, want %q", got, want)
	}
	if got := r.Header.Get("X-User-Token") + r.Header.Get("X-User-Email"); got != "" {
		t.Errorf("legacy headers sent without opting in: %q", got)
	}
	if got := r.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q, want application/json", got)
	}
	switch {
	case tc.rawBody != nil:
		if !bytes.Equal(r.Body, tc.rawBody) {
			t.Errorf("body = %q, want %q", r.Body, tc.rawBody)
		}
	case tc.body != "":
		if diff := cmp.Diff(jsonValue(t, []byte(tc.body)), jsonValue(t, r.Body)); diff != "" {
			t.Errorf("body mismatch (-want +got):\n%s", diff)
		}
	case len(r.Body) != 0:
		t.Errorf("body = %q, want none", r.Body)
	}
	if got := r.Header.Get("Content-Type"); got != tc.contentType {
		t.Errorf("Content-Type = %q, want %q", got, tc.contentType)
	}
}

func endpointCases(t *testing.T, acme CustomerRef, pageOne url.Values) []endpointCase {
	customer := wantCustomer(t)
	customerJSON := string(fixture(t, "customer.json"))
	const js = "application/json"
	return []endpointCase{
		{
			name:   "ListCustomers",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.ListCustomers(ctx) },
			method: "GET", path: "/api/managed_users", query: pageOne,
			reply: `{"result": [` + customerJSON + `]}`,
			want:  []Customer{*customer},
		},
		{
			name: "GetCustomer by external id",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetCustomer(ctx, ByExternalID("UU0239093498"))
			},
			method: "GET", path: "/api/managed_users/EUU0239093498",
			reply: "customer.json", want: customer,
		},
		{
			name:   "GetCustomer by external id needing escapes",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.GetCustomer(ctx, ByExternalID("A 23/00")) },
			method: "GET", path: "/api/managed_users/EA%2023%2F00",
			reply: `{"result": ` + customerJSON + `}`, want: customer,
		},
		{
			name: "CreateCustomer",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateCustomer(ctx, CustomerCreate{Name: "Kevin Leary", NotificationEmail: "kevinl@acme.com", PlanID: "oem_plan", ExternalID: "UU0239093498"})
			},
			method: "POST", path: "/api/managed_users", contentType: js,
			body:  `{"name":"Kevin Leary","notification_email":"kevinl@acme.com","plan_id":"oem_plan","external_id":"UU0239093498"}`,
			reply: `{"result": ` + customerJSON + `}`, want: customer,
		},
		{
			name: "UpdateCustomer sends only set fields",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateCustomer(ctx, ByID(3498583), CustomerUpdate{Name: ptr("Kevin Leary")})
			},
			method: "PUT", path: "/api/managed_users/3498583", contentType: js,
			body: `{"name":"Kevin Leary"}`, reply: "customer.json", want: customer,
		},
		{
			name:   "ListMembers",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.ListMembers(ctx, acme) },
			method: "GET", path: "/api/managed_users/98178/members",
			reply: "members_list.json",
			want:  []Member{{ID: 7001, GrantType: "team", Name: "ACME Admin", Email: "admin@acme.example", ExternalID: "U1", RoleName: "Admin", TimeZone: "Pacific Time (US & Canada)"}},
		},
		{
			name: "AddMember",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.AddMember(ctx, acme, MemberAdd{Name: "ACME Admin", RoleName: "Admin", ExternalID: "U1"})
			},
			method: "POST", path: "/api/managed_users/98178/members", contentType: js,
			body:  `{"name":"ACME Admin","role_name":"Admin","external_id":"U1"}`,
			reply: `{"result": {"id": 7001, "name": "ACME Admin", "email": "admin@acme.example", "role_name": "Admin"}}`,
			want:  &Member{ID: 7001, Name: "ACME Admin", Email: "admin@acme.example", RoleName: "Admin"},
		},
		{
			name: "InviteMember",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.InviteMember(ctx, acme, MemberInvitation{Name: "John", Email: "john@acme.com", RoleName: "Admin"})
			},
			method: "POST", path: "/api/managed_users/98178/member_invitations", contentType: js,
			body:  `{"name":"John","email":"john@acme.com","role_name":"Admin"}`,
			reply: "invitation_sent.json",
		},
		{
			name:   "RemoveMember",
			call:   func(ctx context.Context, c *Client) (any, error) { return nil, c.RemoveMember(ctx, acme, 7001) },
			method: "DELETE", path: "/api/managed_users/98178/members/7001", reply: "success.json",
		},
		{
			name:   "ListFolders under Home",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.ListFolders(ctx, acme, nil) },
			method: "GET", path: "/api/managed_users/98178/folders", query: pageOne,
			reply: "folders_list.json", want: wantFolders(t),
		},
		{
			name:   "ListFolders under a parent",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.ListFolders(ctx, acme, ptr(int64(4515))) },
			method: "GET", path: "/api/managed_users/98178/folders",
			query: url.Values{"page": {"1"}, "per_page": {"100"}, "parent_id": {"4515"}},
			reply: "folders_list.json", want: wantFolders(t),
		},
		{
			name: "CreateFolder",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateFolder(ctx, acme, "Netsuite production", ptr(int64(4515)))
			},
			method: "POST", path: "/api/managed_users/98178/folders", contentType: js,
			body:  `{"name":"Netsuite production","parent_id":4515}`,
			reply: `{"id": 1789, "name": "Netsuite production", "parent_id": 4515, "is_project": false, "project_id": 77, "created_at": "2020-07-16T10:49:53.337-07:00", "updated_at": "2020-07-16T10:49:53.347-07:00"}`,
			want:  &Folder{ID: 1789, Name: "Netsuite production", ParentID: ptr(int64(4515)), ProjectID: ptr(int64(77)), CreatedAt: ts(t, "2020-07-16T10:49:53.337-07:00"), UpdatedAt: ts(t, "2020-07-16T10:49:53.347-07:00")},
		},
		{
			name: "CreateFolder at top level",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateFolder(ctx, acme, "Integrations", nil)
			},
			method: "POST", path: "/api/managed_users/98178/folders", contentType: js,
			body:  `{"name":"Integrations"}`,
			reply: `{"result": {"id": 5, "name": "Integrations", "parent_id": null, "is_project": true}}`,
			want:  &Folder{ID: 5, Name: "Integrations", IsProject: true},
		},
		{
			name: "UpdateFolder",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateFolder(ctx, acme, 1789, FolderUpdate{Name: ptr("Renamed")})
			},
			method: "PUT", path: "/api/managed_users/98178/folders/1789", contentType: js,
			body: `{"name":"Renamed"}`, reply: `{"result": {"id": 1789, "name": "Renamed"}}`,
			want: &Folder{ID: 1789, Name: "Renamed"},
		},
		{
			name:   "ListProjects",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.ListProjects(ctx, acme) },
			method: "GET", path: "/api/managed_users/98178/projects", query: pageOne,
			reply: "projects_list.json",
			want:  []Project{{ID: 649122, Description: "Coupa to Netsuite automations", FolderID: 1563029, Name: "Procure to Pay"}},
		},
	}
}

func wantCustomer(t *testing.T) *Customer {
	return &Customer{
		ID: 3498583, ExternalID: "UU0239093498", Name: "Kevin Leary", NotificationEmail: "kevinl@acme.com",
		PlanID: "oem_plan", InTrial: true,
		CreatedAt: ts(t, "2020-03-06T01:56:20.208Z"), UpdatedAt: ts(t, "2020-03-06T01:56:20.625Z"),
	}
}

func wantFolders(t *testing.T) []Folder {
	return []Folder{{ID: 1789, Name: "Netsuite production", ParentID: ptr(int64(4515)),
		CreatedAt: ts(t, "2020-07-16T10:49:53.337-07:00"), UpdatedAt: ts(t, "2020-07-16T10:49:53.347-07:00")}}
}
