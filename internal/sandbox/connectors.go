package sandbox

import (
	"net/http"
	"strings"
)

type apiConnector struct {
	Name       string   `json:"name"`
	Title      string   `json:"title"`
	Categories []string `json:"categories"`
	OAuth      bool     `json:"oauth"`
	Deprecated bool     `json:"deprecated"`
	Secondary  bool     `json:"secondary"`
}

// connectorList is "name|Title|oauth|category,category" per line: a
// realistic slice of the standard catalogue, enough for tests and demos.
const connectorList = `box|Box|true|File storage
clock|Clock|false|Developer tools
dropbox|Dropbox|true|File storage
ftp|FTP/FTPS|false|File storage
gmail|Gmail|true|Email
google_drive|Google Drive|true|File storage
google_sheets|Google Sheets|true|Spreadsheets
http|HTTP|false|Developer tools
hubspot|HubSpot|true|Marketing automation,CRM
intercom|Intercom|true|Customer service
jira|Jira|false|Project management
logger|Logger by Workato|false|Developer tools
marketo|Marketo|false|Marketing automation
microsoft_teams|Microsoft Teams|true|Collaboration
mysql|MySQL|false|Database
netsuite|NetSuite|false|ERP,Accounting
outreach|Outreach|true|Sales engagement
postgresql|PostgreSQL|false|Database
quickbooks|QuickBooks Online|true|Accounting
salesforce|Salesforce|true|CRM
scheduler|Scheduler by Workato|false|Developer tools
service_now|ServiceNow|false|IT service management
sftp|SFTP|false|File storage
shopify|Shopify|true|Commerce
slack|Slack|true|Collaboration
snowflake|Snowflake|false|Data warehouse
stripe|Stripe|false|Payments
workato_webhooks|Webhooks by Workato|false|Developer tools
workday|Workday|false|HR
xero|Xero|true|Accounting
zendesk|Zendesk|true|Customer service`

var connectors = parseConnectors(connectorList)

func parseConnectors(list string) []apiConnector {
	var out []apiConnector
	for _, line := range strings.Split(list, "\n") {
		f := strings.Split(line, "|")
		out = append(out, apiConnector{Name: f[0], Title: f[1], OAuth: f[2] == "true", Categories: strings.Split(f[3], ",")})
	}
	return out
}

// knownProvider accepts the catalogue's providers, and any provider a
// connection already uses, so a seed can introduce a custom connector.
func (w *world) knownProvider(p string) bool {
	for _, c := range connectors {
		if c.Name == p {
			return true
		}
	}
	for _, c := range w.customers {
		for _, conn := range c.conns {
			if conn.Provider == p {
				return true
			}
		}
	}
	return false
}

// listConnectors answers {items, count, page, per_page}; count is the
// total number of connectors, not the page's.
func (s *Server) listConnectors(w http.ResponseWriter, r *http.Request) {
	page, per, ok := paging(r, 100, 100)
	if !ok {
		badRequest(w)
		return
	}
	lo, hi := pageOf(len(connectors), page, per)
	writeJSON(w, http.StatusOK, map[string]any{
		"items": connectors[lo:hi], "count": len(connectors), "page": page, "per_page": per,
	})
}
