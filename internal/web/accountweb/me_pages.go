package accountweb

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/i18n"
	"capacityhub/internal/validate"
	"capacityhub/internal/web/site"
)

// MePage is the signed-in user's own page.
type MePage struct {
	site.Page
	Profile  site.Form
	Password site.Form
	MFA      MFAView
	Facts    []site.Fact // e-mail address, country, roles
	Courses  []course.Enrollment
	Delete   site.Form // delete my account (data_pages.go)
}

// ShowMePage shows the reader's account: who they are, their courses, and their profile and
// password forms.
func (h *Handler) ShowMePage(c *fiber.Ctx) error {
	u := site.User(c)
	view, err := h.mePage(c, u, profileOf(u), nil, nil)
	if err != nil {
		return err
	}
	return site.Render(c, Me(view))
}

// UpdateProfile changes the reader's name, organization and language; a refusal shows the page
// again with what they typed (422).
func (h *Handler) UpdateProfile(c *fiber.Ctx) error {
	u := site.User(c)
	var in profileRequest
	if err := site.ParseForm(c, &in); err != nil {
		return err
	}
	err := h.accounts.UpdateProfile(c.UserContext(), u, in.profile())
	if errs, err := site.FormErrors(err); err != nil {
		return err
	} else if errs != nil {
		view, err := h.mePage(c, u, in.profile(), errs, nil)
		if err != nil {
			return err
		}
		return site.RenderStatus(c, fiber.StatusUnprocessableEntity, Me(view))
	}
	return site.Redirect(c, site.Done(site.Path(site.Lang(c).Tag, "me"), "profile"))
}

// ChangePassword changes the reader's password, given the current one. Every session and token
// of the user ends; this browser gets a fresh session.
func (h *Handler) ChangePassword(c *fiber.Ctx) error {
	u := site.User(c)
	err := h.accounts.ChangePassword(c.UserContext(), u, site.FormValue(c, "current_password"), site.FormValue(c, "password"))
	if errs, err := site.FormErrors(err); err != nil {
		return err
	} else if errs != nil {
		view, err := h.mePage(c, u, profileOf(u), nil, errs)
		if err != nil {
			return err
		}
		return site.RenderStatus(c, fiber.StatusUnprocessableEntity, Me(view))
	}
	// Every session of the user has ended, this one too; the person at this browser just proved
	// who they are, so they get a fresh one.
	fresh, err := h.accounts.User(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	if err := h.site.StartSession(c, fresh); err != nil {
		return err
	}
	return site.Redirect(c, site.Done(site.Path(site.Lang(c).Tag, "me"), "password"))
}

// mePage fills the account page: facts, the reader's courses with their progress, and the forms,
// the profile form showing p.
func (h *Handler) mePage(c *fiber.Ctx, u *auth.User, p auth.Profile, profileErrs, passwordErrs validate.Errors) (MePage, error) {
	loc := site.Lang(c)
	courses, err := h.courses.Enrollments(c.UserContext(), u, loc.Tag)
	if err != nil {
		return MePage{}, err
	}
	roles := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		roles[i] = loc.T("role." + string(r))
	}
	mfa, err := h.mfaView(c, u, "", nil)
	if err != nil {
		return MePage{}, err
	}
	return MePage{
		Delete:  h.deleteForm(loc, u, nil),
		MFA:     mfa,
		Page:    h.site.Page(c, "/me", loc.T("me.heading"), "me"),
		Courses: courses,
		Facts: []site.Fact{
			{Label: loc.T("auth.field.email"), Value: u.Email},
			{Label: loc.T("auth.field.country"), Value: h.countryName(loc.Tag, u.Country)},
			{Label: loc.T("me.roles"), Value: strings.Join(roles, loc.T("list.separator"))},
		},
		Profile: site.Form{
			Action: site.Path(loc.Tag, "me"),
			Submit: loc.T("me.profile.submit"),
			Fields: h.profileFields(loc, p, profileErrs, false),
		},
		Password: site.Form{
			Action: site.Path(loc.Tag, "me", "password"),
			Submit: loc.T("me.password.submit"),
			Fields: []site.Field{
				{Name: "current_password", Label: loc.T("auth.field.current_password"), Type: "password", Autocomplete: "current-password",
					Required: true, Error: site.FieldError(loc, passwordErrs, "current_password")},
				{Name: "password", Label: loc.T("auth.field.new_password"), Type: "password", Autocomplete: "new-password",
					Required: true, MinLength: 8, Hint: loc.T("auth.password.hint"), Error: site.FieldError(loc, passwordErrs, "password")},
			},
		},
	}, nil
}

// deleteForm is the account page's deletion form: the password, a code when two-step
// verification is on, and the box that confirms it.
func (h *Handler) deleteForm(loc *i18n.Localizer, u *auth.User, errs validate.Errors) site.Form {
	f := site.Form{Action: site.Path(loc.Tag, "me", "delete"), Submit: loc.T("privacy.delete.submit"), Fields: []site.Field{
		{Name: "current_password", ID: "delete-current_password", Label: loc.T("auth.field.current_password"), Type: "password",
			Autocomplete: "current-password", Required: true, Error: site.FieldError(loc, errs, "current_password")},
	}}
	if u.MFA {
		f.Fields = append(f.Fields, codeField(loc, "delete-otp", errs))
	}
	f.Fields = append(f.Fields, site.Field{Name: "confirm", ID: "delete-confirm", Label: loc.T("privacy.delete.confirm"), Type: "checkbox",
		Value: "yes", Required: true, Error: site.FieldError(loc, errs, "confirm")})
	return f
}
