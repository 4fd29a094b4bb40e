package accountweb

import (
	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/paging"
	"capacityhub/internal/web/site"
)

// Page sizes of the admin lists.
const (
	usersPageSize = 25
	auditPageSize = 50
)

// AdminUsersPage lists users for an admin.
type AdminUsersPage struct {
	site.Page
	Query     string
	Users     []AdminUserRow
	NextURL   string
	RoleNames []site.Option // every role with its translated name
}

// AdminUserRow is one user in the admin listing.
type AdminUserRow struct {
	User    *auth.User
	Country string // translated name
	Self    bool   // the admin themselves: no role or disable controls
}

// AuditPage shows the audit log.
type AuditPage struct {
	site.Page
	Filter  string
	Events  []AuditRow
	NextURL string
}

// AuditRow is one audit event, ready to show.
type AuditRow struct {
	At, Actor, Action, Target, IP, Detail string
}

// ShowUsersPage lists the users an admin looks for (?q= in the name or address), newest first,
// a page at a time (?cursor=), each with the forms that change their roles or disable them.
func (h *Handler) ShowUsersPage(c *fiber.Ctx) error {
	loc, u := site.Lang(c), site.User(c)
	q := c.Query("q")
	req, err := paging.WithCursor(c.Query("cursor"), usersPageSize)
	if err != nil {
		return err
	}
	page, err := h.accounts.ListUsers(c.UserContext(), u, q, req)
	if err != nil {
		return err
	}
	view := AdminUsersPage{Page: h.site.Page(c, "/admin/users", loc.T("admin.users.heading"), "admin"), Query: q}
	for _, r := range auth.Roles[1:] { // learner is everyone's
		view.RoleNames = append(view.RoleNames, site.Option{Value: string(r), Label: loc.T("role." + string(r))})
	}
	for _, usr := range page.Items {
		view.Users = append(view.Users, AdminUserRow{User: usr, Country: h.countryName(loc.Tag, usr.Country), Self: usr.ID == u.ID})
	}
	if page.Next != "" {
		view.NextURL = site.WithQuery(site.Path(loc.Tag, "admin", "users"), "q", q, "cursor", page.Next)
	}
	return site.Render(c, AdminUsers(view))
}

// SetUserRoles gives a user exactly the ticked roles (learner always); their sessions and tokens
// end, so that the change applies at once.
func (h *Handler) SetUserRoles(c *fiber.Ctx) error {
	var roles []auth.Role
	for _, v := range site.FormValues(c, "roles") {
		roles = append(roles, auth.Role(v))
	}
	if err := h.accounts.SetRoles(c.UserContext(), site.User(c), c.Params("id"), roles); err != nil {
		return err
	}
	return site.Redirect(c, site.Done(site.Path(site.Lang(c).Tag, "admin", "users"), "roles"))
}

// SetUserDisabled disables (disabled=true) or enables a user's account; disabling ends their
// sessions and tokens.
func (h *Handler) SetUserDisabled(c *fiber.Ctx) error {
	disabled := site.FormValue(c, "disabled") == "true"
	if err := h.accounts.SetDisabled(c.UserContext(), site.User(c), c.Params("id"), disabled); err != nil {
		return err
	}
	return site.Redirect(c, site.Done(site.Path(site.Lang(c).Tag, "admin", "users"), "disabled"))
}

// ShowAuditPage shows the audit log, newest first, a page at a time, filtered by the start of
// the action (?action=auth.).
func (h *Handler) ShowAuditPage(c *fiber.Ctx) error {
	loc := site.Lang(c)
	filter := c.Query("action")
	req, err := paging.WithCursor(c.Query("cursor"), auditPageSize)
	if err != nil {
		return err
	}
	page, err := h.audit.List(c.UserContext(), site.User(c), filter, req)
	if err != nil {
		return err
	}
	view := AuditPage{Page: h.site.Page(c, "/admin/audit", loc.T("admin.audit.heading"), "admin"), Filter: filter}
	for _, e := range page.Items {
		view.Events = append(view.Events, AuditRow{At: e.At.Format("2006-01-02 15:04:05Z"), Actor: e.ActorID,
			Action: e.Action, Target: e.Target, IP: e.IP, Detail: e.Detail})
	}
	if page.Next != "" {
		view.NextURL = site.WithQuery(site.Path(loc.Tag, "admin", "audit"), "action", filter, "cursor", page.Next)
	}
	return site.Render(c, Audit(view))
}
