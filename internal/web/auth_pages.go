package web

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/i18n"
	"capacityhub/internal/notify"
	"capacityhub/internal/validate"
	"capacityhub/internal/web/templates"
)

// registerRequest is the registration form and the body of POST /api/v1/auth/register.
type registerRequest struct {
	Email            string `json:"email" form:"email"`
	Password         string `json:"password" form:"password"`
	Name             string `json:"name" form:"name"`
	Country          string `json:"country" form:"country"`
	Organization     string `json:"organization" form:"organization"`
	OrganizationType string `json:"organization_type" form:"organization_type"`
	Language         string `json:"language" form:"language"`
}

func (r registerRequest) registration() auth.Registration {
	return auth.Registration{Email: r.Email, Password: r.Password, Profile: auth.Profile{
		Name: r.Name, Country: r.Country, Organization: r.Organization,
		OrganizationType: r.OrganizationType, Language: r.Language,
	}}
}

// signInRequest is the sign-in form and the body of POST /api/v1/auth/token.
type signInRequest struct {
	Email    string `json:"email" form:"email"`
	Password string `json:"password" form:"password"`
	Next     string `json:"-" form:"next"`
}

func (h *handler) showRegisterPage(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	if currentUser(c) != nil {
		return c.Redirect("/"+loc.Tag+"/me", fiber.StatusSeeOther)
	}
	return render(c, templates.AuthForm(h.registerPage(c, loc, registerRequest{Language: loc.Tag}, nil)))
}

func (h *handler) register(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	var in registerRequest
	if err := c.BodyParser(&in); err != nil {
		return fiber.ErrBadRequest
	}
	u, err := h.auth.Register(c.UserContext(), in.registration())
	if errors.Is(err, auth.ErrEmailTaken) {
		err = validate.Errors{{Field: "email", Key: "auth.email.taken"}}
	}
	if errs, err := formErrors(err); err != nil {
		return err
	} else if errs != nil {
		return renderStatus(c, fiber.StatusUnprocessableEntity, templates.AuthForm(h.registerPage(c, loc, in, errs)))
	}
	if err := h.startSession(c, u); err != nil {
		return err
	}
	return c.Redirect("/"+loc.Tag+"/me?done=registered", fiber.StatusSeeOther)
}

func (h *handler) registerPage(c *fiber.Ctx, loc *i18n.Localizer, in registerRequest, errs validate.Errors) templates.AuthPage {
	orgTypes := make([]templates.Option, len(auth.OrganizationTypes))
	for i, t := range auth.OrganizationTypes {
		orgTypes[i] = templates.Option{Value: t, Label: loc.T("auth.org_type." + t)}
	}
	return templates.AuthPage{
		Page:    h.page(c, loc, "/register", loc.T("auth.register.heading"), "register"),
		Heading: loc.T("auth.register.heading"),
		Intro:   loc.T("auth.register.intro"),
		Form: templates.Form{
			Action: "/" + loc.Tag + "/register",
			Submit: loc.T("auth.register.submit"),
			Fields: []templates.Field{
				{Name: "name", Label: loc.T("auth.field.name"), Type: "text", Value: in.Name, Autocomplete: "name", Required: true, MaxLength: 100, Error: fieldError(loc, errs, "name")},
				{Name: "email", Label: loc.T("auth.field.email"), Type: "email", Value: in.Email, Autocomplete: "email", Required: true, Error: fieldError(loc, errs, "email")},
				{Name: "password", Label: loc.T("auth.field.password"), Type: "password", Autocomplete: "new-password", Required: true, MinLength: 8, Hint: loc.T("auth.password.hint"), Error: fieldError(loc, errs, "password")},
				{Name: "country", Label: loc.T("auth.field.country"), Type: "select", Value: strings.ToUpper(in.Country), Autocomplete: "country", Required: true, Options: h.countryOptions[loc.Tag], Error: fieldError(loc, errs, "country")},
				{Name: "organization", Label: optional(loc, loc.T("auth.field.organization")), Type: "text", Value: in.Organization, Autocomplete: "organization", MaxLength: 200, Error: fieldError(loc, errs, "organization")},
				{Name: "organization_type", Label: optional(loc, loc.T("auth.field.organization_type")), Type: "select", Value: in.OrganizationType, Options: orgTypes, Error: fieldError(loc, errs, "organization_type")},
				{Name: "language", Label: loc.T("auth.field.language"), Type: "select", Value: in.Language, Required: true, Options: languageOptions(), Error: fieldError(loc, errs, "language")},
			},
		},
		Links: []templates.Link{{Href: "/" + loc.Tag + "/login", Text: loc.T("auth.register.have_account")}},
	}
}

func (h *handler) showSignInPage(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	if currentUser(c) != nil {
		return c.Redirect("/"+loc.Tag+"/me", fiber.StatusSeeOther)
	}
	return render(c, templates.AuthForm(h.signInPage(c, loc, signInRequest{Next: c.Query("next")}, "")))
}

func (h *handler) signIn(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	var in signInRequest
	if err := c.BodyParser(&in); err != nil {
		return fiber.ErrBadRequest
	}
	if in.Next == "" {
		in.Next = c.Query("next") // the form's action carries it
	}
	if err := h.limitSignIn(c, in.Email); err != nil {
		return err
	}
	u, err := h.auth.Authenticate(c.UserContext(), in.Email, in.Password)
	if errors.Is(err, auth.ErrBadCredentials) {
		in.Password = ""
		return renderStatus(c, fiber.StatusUnauthorized, templates.AuthForm(h.signInPage(c, loc, in, loc.T("auth.signin.failed"))))
	}
	if err != nil {
		return err
	}
	if err := h.startSession(c, u); err != nil {
		return err
	}
	return c.Redirect(localPath(in.Next, loc.Tag, "/"+loc.Tag+"/me"), fiber.StatusSeeOther)
}

func (h *handler) signInPage(c *fiber.Ctx, loc *i18n.Localizer, in signInRequest, formErr string) templates.AuthPage {
	action := "/" + loc.Tag + "/login"
	if next := localPath(in.Next, loc.Tag, ""); next != "" {
		action += "?next=" + url.QueryEscape(next)
	}
	return templates.AuthPage{
		Page:    h.page(c, loc, "/login", loc.T("auth.signin.heading"), "login"),
		Heading: loc.T("auth.signin.heading"),
		Form: templates.Form{
			Action: action,
			Submit: loc.T("auth.signin.submit"),
			Error:  formErr,
			Fields: []templates.Field{
				{Name: "email", Label: loc.T("auth.field.email"), Type: "email", Value: in.Email, Autocomplete: "username", Required: true},
				{Name: "password", Label: loc.T("auth.field.password"), Type: "password", Autocomplete: "current-password", Required: true},
			},
		},
		Links: []templates.Link{
			{Href: "/" + loc.Tag + "/password/forgot", Text: loc.T("auth.signin.forgot")},
			{Href: "/" + loc.Tag + "/register", Text: loc.T("auth.signin.no_account")},
		},
	}
}

// startSession signs u in on this browser: any session it had ends, and a new one, with a new id,
// begins.
func (h *handler) startSession(c *fiber.Ctx, u *auth.User) error {
	if old := c.Cookies(h.sessionCookie()); old != "" {
		_ = h.auth.EndSession(c.UserContext(), old)
	}
	token, err := h.auth.StartSession(c.UserContext(), u)
	if err != nil {
		return err
	}
	h.setSessionCookie(c, token)
	return nil
}

func (h *handler) signOut(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	if err := h.auth.EndSession(c.UserContext(), c.Cookies(h.sessionCookie())); err != nil {
		return err
	}
	h.clearSessionCookie(c)
	return c.Redirect("/"+loc.Tag+"/", fiber.StatusSeeOther)
}

// redirectToSignIn sends a visitor who must sign in to the form, which brings them back after.
func (h *handler) redirectToSignIn(c *fiber.Ctx) error {
	loc, _ := h.languageOfPath(c.Path())
	if loc == nil {
		loc = h.i18n.Localizer(i18n.Default)
	}
	next := ""
	if c.Method() == fiber.MethodGet {
		next = "?next=" + url.QueryEscape(string(c.Request().URI().RequestURI()))
	}
	return c.Redirect("/"+loc.Tag+"/login"+next, fiber.StatusSeeOther)
}

func (h *handler) showForgotPasswordPage(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	return render(c, templates.AuthForm(h.forgotPage(c, loc, "", nil, false)))
}

// requestPasswordReset answers the same whether or not the address has an account.
func (h *handler) requestPasswordReset(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	if err := h.enforce(c, "reset:"+limitKey(c), limitResetIP, false); err != nil {
		return err
	}
	email := strings.TrimSpace(formValue(c, "email"))
	if email == "" {
		errs := validate.Errors{{Field: "email", Key: "field.required"}}
		return renderStatus(c, fiber.StatusUnprocessableEntity, templates.AuthForm(h.forgotPage(c, loc, email, errs, false)))
	}
	allowed, err := h.allowResetMail(c, email)
	if err != nil {
		return err
	}
	if !allowed {
		h.log.Info("password reset: mail limit reached for this address; nothing sent")
		return render(c, templates.AuthForm(h.forgotPage(c, loc, email, nil, true)))
	}
	err = h.auth.RequestPasswordReset(c.UserContext(), email, func(u *auth.User, token string) notify.Message {
		ul := h.i18n.Localizer(u.Language)
		if ul == nil {
			ul = loc
		}
		link := h.cfg.BaseURL.String() + "/" + ul.Tag + "/password/reset/" + token
		return notify.Message{To: u.Email, Subject: ul.T("auth.reset.mail_subject"),
			Body: ul.Tf("auth.reset.mail_body", map[string]any{"Name": u.Name, "Link": link})}
	})
	if err != nil {
		return err
	}
	return render(c, templates.AuthForm(h.forgotPage(c, loc, email, nil, true)))
}

func (h *handler) forgotPage(c *fiber.Ctx, loc *i18n.Localizer, email string, errs validate.Errors, done bool) templates.AuthPage {
	p := templates.AuthPage{
		Page:    h.page(c, loc, "/password/forgot", loc.T("auth.forgot.heading"), "password"),
		Heading: loc.T("auth.forgot.heading"),
		Intro:   loc.T("auth.forgot.intro"),
		Form: templates.Form{
			Action: "/" + loc.Tag + "/password/forgot",
			Submit: loc.T("auth.forgot.submit"),
			Fields: []templates.Field{{Name: "email", Label: loc.T("auth.field.email"), Type: "email", Value: email,
				Autocomplete: "email", Required: true, Error: fieldError(loc, errs, "email")}},
		},
		Links: []templates.Link{{Href: "/" + loc.Tag + "/login", Text: loc.T("auth.back_to_signin")}},
	}
	if done {
		p.Done = loc.T("auth.forgot.sent")
	}
	return p
}

func (h *handler) showResetPasswordPage(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	return render(c, templates.AuthForm(h.resetPage(c, loc, nil, "", "")))
}

func (h *handler) resetPassword(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	err = h.auth.ResetPassword(c.UserContext(), c.Params("token"), formValue(c, "password"))
	if errors.Is(err, auth.ErrResetTokenNotUse) {
		return renderStatus(c, fiber.StatusBadRequest, templates.AuthForm(h.resetPage(c, loc, nil, loc.T("auth.reset.invalid"), "")))
	}
	if errs, err := formErrors(err); err != nil {
		return err
	} else if errs != nil {
		return renderStatus(c, fiber.StatusUnprocessableEntity, templates.AuthForm(h.resetPage(c, loc, errs, "", "")))
	}
	h.clearSessionCookie(c)
	return render(c, templates.AuthForm(h.resetPage(c, loc, nil, "", loc.T("auth.reset.done"))))
}

func (h *handler) resetPage(c *fiber.Ctx, loc *i18n.Localizer, errs validate.Errors, formErr, done string) templates.AuthPage {
	token := c.Params("token")
	return templates.AuthPage{
		// NB: the language switcher must not repeat the token in links; it leads to the request form.
		Page:    h.page(c, loc, "/password/forgot", loc.T("auth.reset.heading"), "password"),
		Heading: loc.T("auth.reset.heading"),
		Done:    done,
		Form: templates.Form{
			Action: "/" + loc.Tag + "/password/reset/" + url.PathEscape(token),
			Submit: loc.T("auth.reset.submit"),
			Error:  formErr,
			Fields: []templates.Field{{Name: "password", Label: loc.T("auth.field.new_password"), Type: "password",
				Autocomplete: "new-password", Required: true, MinLength: 8, Hint: loc.T("auth.password.hint"), Error: fieldError(loc, errs, "password")}},
		},
		Links: []templates.Link{{Href: "/" + loc.Tag + "/login", Text: loc.T("auth.back_to_signin")}},
	}
}
