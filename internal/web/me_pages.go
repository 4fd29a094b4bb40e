package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/i18n"
	"capacityhub/internal/validate"
	"capacityhub/internal/web/templates"
)

// profileRequest is the profile form.
type profileRequest struct {
	Name             string `form:"name"`
	Organization     string `form:"organization"`
	OrganizationType string `form:"organization_type"`
	Language         string `form:"language"`
}

// doneMessages are the confirmations /me shows after a redirect (?done=…).
var doneMessages = map[string]string{
	"registered": "me.done.registered",
	"profile":    "me.done.profile",
	"password":   "me.done.password",
}

func (h *handler) showMePage(c *fiber.Ctx) error {
	loc, u, err := h.pageUser(c)
	if err != nil {
		return err
	}
	in := profileRequest{Name: u.Name, Organization: u.Organization, OrganizationType: u.OrganizationType, Language: u.Language}
	view, err := h.mePage(c, loc, u, in, nil, nil)
	if err != nil {
		return err
	}
	return render(c, templates.Me(view))
}

func (h *handler) updateProfile(c *fiber.Ctx) error {
	loc, u, err := h.pageUser(c)
	if err != nil {
		return err
	}
	var in profileRequest
	if err := c.BodyParser(&in); err != nil {
		return fiber.ErrBadRequest
	}
	err = h.auth.UpdateProfile(c.UserContext(), u, auth.Profile{Name: in.Name, Organization: in.Organization,
		OrganizationType: in.OrganizationType, Language: in.Language})
	if errs, err := formErrors(err); err != nil {
		return err
	} else if errs != nil {
		view, err := h.mePage(c, loc, u, in, errs, nil)
		if err != nil {
			return err
		}
		return renderStatus(c, fiber.StatusUnprocessableEntity, templates.Me(view))
	}
	return c.Redirect("/"+loc.Tag+"/me?done=profile", fiber.StatusSeeOther)
}

func (h *handler) changePassword(c *fiber.Ctx) error {
	loc, u, err := h.pageUser(c)
	if err != nil {
		return err
	}
	err = h.auth.ChangePassword(c.UserContext(), u, formValue(c, "current_password"), formValue(c, "password"))
	if errs, err := formErrors(err); err != nil {
		return err
	} else if errs != nil {
		in := profileRequest{Name: u.Name, Organization: u.Organization, OrganizationType: u.OrganizationType, Language: u.Language}
		view, err := h.mePage(c, loc, u, in, nil, errs)
		if err != nil {
			return err
		}
		return renderStatus(c, fiber.StatusUnprocessableEntity, templates.Me(view))
	}
	// Every session of the user has ended, this one too; the person at this browser just proved
	// who they are, so they get a fresh one.
	fresh, err := h.auth.User(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	if err := h.startSession(c, fresh); err != nil {
		return err
	}
	return c.Redirect("/"+loc.Tag+"/me?done=password", fiber.StatusSeeOther)
}

// mePage fills the account page: facts, the reader's courses with their progress, and the forms.
func (h *handler) mePage(c *fiber.Ctx, loc *i18n.Localizer, u *auth.User, in profileRequest, profileErrs, passwordErrs validate.Errors) (templates.MePage, error) {
	courses, err := h.courses.Enrollments(c.UserContext(), u, loc.Tag)
	if err != nil {
		return templates.MePage{}, err
	}
	p := h.page(c, loc, "/me", loc.T("me.heading"), "me")
	if key, ok := doneMessages[c.Query("done")]; ok && profileErrs == nil && passwordErrs == nil {
		p.Flash = loc.T(key)
	}
	roles := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		roles[i] = loc.T("role." + string(r))
	}
	orgTypes := make([]templates.Option, len(auth.OrganizationTypes))
	for i, t := range auth.OrganizationTypes {
		orgTypes[i] = templates.Option{Value: t, Label: loc.T("auth.org_type." + t)}
	}
	return templates.MePage{
		Page:    p,
		Courses: courses,
		Facts: []templates.Fact{
			{Label: loc.T("auth.field.email"), Value: u.Email},
			{Label: loc.T("auth.field.country"), Value: h.countryName(loc.Tag, u.Country)},
			{Label: loc.T("me.roles"), Value: strings.Join(roles, loc.T("list.separator"))},
		},
		Profile: templates.Form{
			Action: "/" + loc.Tag + "/me",
			Submit: loc.T("me.profile.submit"),
			Fields: []templates.Field{
				{Name: "name", Label: loc.T("auth.field.name"), Type: "text", Value: in.Name, Autocomplete: "name", Required: true, MaxLength: 100, Error: fieldError(loc, profileErrs, "name")},
				{Name: "organization", Label: optional(loc, loc.T("auth.field.organization")), Type: "text", Value: in.Organization, Autocomplete: "organization", MaxLength: 200, Error: fieldError(loc, profileErrs, "organization")},
				{Name: "organization_type", Label: optional(loc, loc.T("auth.field.organization_type")), Type: "select", Value: in.OrganizationType, Options: orgTypes, Error: fieldError(loc, profileErrs, "organization_type")},
				{Name: "language", Label: loc.T("auth.field.language"), Type: "select", Value: in.Language, Required: true, Options: languageOptions(), Error: fieldError(loc, profileErrs, "language")},
			},
		},
		Password: templates.Form{
			Action: "/" + loc.Tag + "/me/password",
			Submit: loc.T("me.password.submit"),
			Fields: []templates.Field{
				{Name: "current_password", Label: loc.T("auth.field.current_password"), Type: "password", Autocomplete: "current-password", Required: true, Error: fieldError(loc, passwordErrs, "current_password")},
				{Name: "password", Label: loc.T("auth.field.new_password"), Type: "password", Autocomplete: "new-password", Required: true, MinLength: 8, Hint: loc.T("auth.password.hint"), Error: fieldError(loc, passwordErrs, "password")},
			},
		},
	}, nil
}
