package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/web/templates"
)

const adminPageSize = 25

func (h *handler) showAdminUsersPage(c *fiber.Ctx) error {
	loc, u, err := h.pageUser(c)
	if err != nil {
		return err
	}
	q := c.Query("q")
	page, err := h.auth.ListUsers(c.UserContext(), u, q, c.Query("cursor"), adminPageSize)
	if err != nil {
		return err
	}
	view := templates.AdminUsersPage{Page: h.page(c, loc, "/admin/users", loc.T("admin.users.heading"), "admin"), Query: q}
	if key, ok := map[string]string{"roles": "admin.done.roles", "disabled": "admin.done.disabled"}[c.Query("done")]; ok {
		view.Flash = loc.T(key)
	}
	for _, r := range auth.Roles[1:] { // learner is everyone's
		view.RoleNames = append(view.RoleNames, templates.Option{Value: string(r), Label: loc.T("role." + string(r))})
	}
	for _, usr := range page.Users {
		view.Users = append(view.Users, templates.AdminUserRow{User: usr, Country: h.countryName(loc.Tag, usr.Country), Self: usr.ID == u.ID})
	}
	if page.NextCursor != "" {
		view.NextURL = "/" + loc.Tag + "/admin/users?" + url.Values{"q": {q}, "cursor": {page.NextCursor}}.Encode()
	}
	return render(c, templates.AdminUsers(view))
}

func (h *handler) setUserRoles(c *fiber.Ctx) error {
	loc, u, err := h.pageUser(c)
	if err != nil {
		return err
	}
	var roles []auth.Role
	for _, v := range c.Request().PostArgs().PeekMulti("roles") {
		roles = append(roles, auth.Role(string(v)))
	}
	if err := h.auth.SetRoles(c.UserContext(), u, c.Params("id"), roles); err != nil {
		return err
	}
	return c.Redirect("/"+loc.Tag+"/admin/users?done=roles", fiber.StatusSeeOther)
}

func (h *handler) setUserDisabled(c *fiber.Ctx) error {
	loc, u, err := h.pageUser(c)
	if err != nil {
		return err
	}
	if err := h.auth.SetDisabled(c.UserContext(), u, c.Params("id"), formValue(c, "disabled") == "true"); err != nil {
		return err
	}
	return c.Redirect("/"+loc.Tag+"/admin/users?done=disabled", fiber.StatusSeeOther)
}

func (h *handler) showAuditPage(c *fiber.Ctx) error {
	loc, u, err := h.pageUser(c)
	if err != nil {
		return err
	}
	filter := c.Query("action")
	page, err := h.audit.List(c.UserContext(), u, filter, c.Query("cursor"), 50)
	if err != nil {
		return err
	}
	view := templates.AuditPage{Page: h.page(c, loc, "/admin/audit", loc.T("admin.audit.heading"), "admin"), Filter: filter}
	for _, e := range page.Events {
		view.Events = append(view.Events, templates.AuditRow{At: e.At.Format("2006-01-02 15:04:05Z"), Actor: e.ActorID,
			Action: e.Action, Target: e.Target, IP: e.IP, Detail: e.Detail})
	}
	if page.NextCursor != "" {
		view.NextURL = "/" + loc.Tag + "/admin/audit?" + url.Values{"action": {filter}, "cursor": {page.NextCursor}}.Encode()
	}
	return render(c, templates.Audit(view))
}
