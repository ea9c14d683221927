package sandbox

import (
	"net/http"
	"strings"
)

// route is what the pipeline needs to know before the handler runs.
type route struct {
	name  string // "GET /managed_users/:id/connections"
	class string // rate class; "" is unlimited
}

func (s *Server) registerRoutes() {
	h := s.handle
	h("GET /managed_users", ClassCustomers, s.listCustomers)
	h("POST /managed_users", ClassCustomersCreate, s.createCustomer)
	h("GET /managed_users/{id}", ClassCustomers, s.getCustomer)
	h("PUT /managed_users/{id}", ClassCustomers, s.updateCustomer)
	h("GET /managed_users/{id}/members", ClassMembers, s.listMembers)
	h("POST /managed_users/{id}/members", ClassMembers, s.addMember)
	h("GET /managed_users/{id}/members/{member_id}", ClassMembers, s.getMember)
	h("DELETE /managed_users/{id}/members/{member_id}", ClassMembersDelete, s.removeMember)
	h("POST /managed_users/{id}/member_invitations", ClassMembers, s.inviteMember)

	h("GET /managed_users/{id}/folders", ClassFolders, s.listFolders)
	h("POST /managed_users/{id}/folders", ClassFolders, s.createFolder)
	h("PUT /managed_users/{id}/folders/{folder_id}", ClassFolders, s.updateFolder)
	h("DELETE /managed_users/{id}/folders/{folder_id}", ClassFolders, s.deleteFolder)
	h("GET /managed_users/{id}/projects", ClassFolders, s.listProjects)
	h("DELETE /managed_users/{id}/projects/{project_id}", ClassFolders, s.deleteProject)

	h("GET /managed_users/{id}/connections", ClassConnectionsList, s.listConnections)
	h("POST /managed_users/{id}/connections", ClassConnections, s.createConnection)
	h("PUT /managed_users/{id}/connections/{connection_id}", ClassConnections, s.updateConnection)
	h("POST /managed_users/{id}/connections/{connection_id}/disconnect", ClassConnections, s.disconnectConnection)
	h("DELETE /managed_users/{id}/connections/{connection_id}", ClassConnections, s.deleteConnection)

	h("GET /managed_users/{id}/properties", ClassPropertiesList, s.listProperties)
	h("POST /managed_users/{id}/properties", ClassPropertiesUpsert, s.upsertProperties)

	h("GET /managed_users/{id}/recipes", ClassRecipesList, s.listRecipes)
	h("GET /managed_users/{id}/recipes/{recipe_id}", ClassRecipes, s.getRecipe)
	h("PUT /managed_users/{id}/recipes/{recipe_id}/start", ClassRecipes, s.startRecipe)
	h("PUT /managed_users/{id}/recipes/{recipe_id}/stop", ClassRecipes, s.stopRecipe)

	h("POST /managed_users/{id}/imports", ClassImportsCreate, s.createImport)
	h("GET /managed_users/{id}/imports/{package_id}", ClassImportsStatus, s.getImport)
	h("GET /managed_users/{id}/export_manifests/folder_assets", ClassExports, s.folderAssets)
	h("POST /managed_users/{id}/export_manifests", ClassExports, s.createManifest)
	h("GET /managed_users/{id}/export_manifests/{manifest_id}", ClassExports, s.getManifest)
	h("PUT /managed_users/{id}/export_manifests/{manifest_id}", ClassExports, s.updateManifest)
	h("DELETE /managed_users/{id}/export_manifests/{manifest_id}", ClassExports, s.deleteManifest)
	h("POST /managed_users/{id}/exports/{manifest_id}", ClassExports, s.startExport)
	h("GET /managed_users/{id}/exports/{package_id}", ClassExports, s.getExport)
	h("GET /managed_users/{id}/exports/{package_id}/download", ClassExports, s.downloadExport)

	h("GET /integrations/all", ClassConnectors, s.listConnectors)
	s.registerInputSchemaRoutes()

	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { notFound(w) })
}

// handle registers "METHOD /path" under /api; the route name in Stats is the
// path with :name wildcards, as the API docs write them.
func (s *Server) handle(pattern, class string, fn http.HandlerFunc) {
	if s.mux == nil {
		s.mux = http.NewServeMux()
	}
	method, path, _ := strings.Cut(pattern, " ")
	full := method + " /api" + path
	s.mux.HandleFunc(full, fn)
	s.routes[full] = route{name: method + " " + colonWildcards(path), class: class}
}

// colonWildcards writes each {name} of path as :name. Every New registers
// every route, so this is a loop, not a regular expression (which cost a
// third of New under the race detector).
func colonWildcards(path string) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(path, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(path[open:], '}')
		if end < 0 {
			break
		}
		b.WriteString(path[:open])
		b.WriteString(":" + path[open+1:open+end])
		path = path[open+end+1:]
	}
	b.WriteString(path)
	return b.String()
}

func (s *Server) route(r *http.Request) route {
	_, pattern := s.mux.Handler(r)
	if rt, ok := s.routes[pattern]; ok {
		return rt
	}
	return route{name: r.Method + " <unmatched>"}
}
