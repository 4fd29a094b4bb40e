package accountweb

import (
	"errors"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/notify"
	"capacityhub/internal/validate"
	"capacityhub/internal/web/site"
)

// AuthPage is the page of a sign-in, registration or password form.
type AuthPage struct {
	site.Page
	Heading string
	Intro   string
	Form    site.Form
	Links   []site.Link // e.g. "forgot your password?"
	Done    string      // shown instead of the form once it has done its work
	// Privacy, when set, is the line above the form's fields that says what they are used for,
	// with a link to the privacy notice (the registration form).
	Privacy *site.Link
	// PrivacyText is the line's text before the link.
	PrivacyText string
}

// registerRequest is the registration form and the body of POST /api/v1/auth/register.
type registerRequest struct {
	Email    string `json:"email" form:"email"`
	Password string `json:"password" form:"password"`
	profileRequest
}

// registration is the request as the service takes it.
func (r registerRequest) registration() auth.Registration {
	return auth.Registration{Email: r.Email, Password: r.Password, Profile: r.profile()}
}

// signInRequest is the sign-in form and the body of POST /api/v1/auth/token.
type signInRequest struct {
	Email    string `json:"email" form:"email"`
	Password string `json:"password" form:"password"`
	OTP      string `json:"otp" form:"-"` // the API's two-step verification code; the form asks for it next
	Next     string `json:"-" form:"next"`
}

// ShowRegisterPage shows the registration form; a signed-in reader is sent to their account.
func (h *Handler) ShowRegisterPage(c *fiber.Ctx) error {
	loc := site.Lang(c)
	if site.User(c) != nil {
		return site.Redirect(c, site.LocalPath(next(c), loc.Tag, site.Path(loc.Tag, "me")))
	}
	in := registerRequest{profileRequest: profileRequest{Language: loc.Tag}}
	return site.Render(c, AuthForm(h.registerPage(c, in, nil)))
}

// next is where the reader was going before the sign-in or registration form (?next=, a page of
// this site in this language), "" for none.
func next(c *fiber.Ctx) string { return site.LocalPath(c.Query("next"), site.Lang(c).Tag, "") }

// Register creates an account from the form and signs the new user in on this browser.
func (h *Handler) Register(c *fiber.Ctx) error {
	var in registerRequest
	if err := site.ParseForm(c, &in); err != nil {
		return err
	}
	u, err := h.accounts.Register(c.UserContext(), in.registration())
	if errors.Is(err, auth.ErrEmailTaken) {
		err = validate.Errors{{Field: "email", Key: "auth.email.taken"}}
	}
	if errs, err := site.FormErrors(err); err != nil {
		return err
	} else if errs != nil {
		return site.RenderStatus(c, fiber.StatusUnprocessableEntity, AuthForm(h.registerPage(c, in, errs)))
	}
	if err := h.site.StartSession(c, u); err != nil {
		return err
	}
	if to := next(c); to != "" {
		return site.Redirect(c, to) // back where the reader was going, signed in
	}
	return site.Redirect(c, site.Done(site.Path(site.Lang(c).Tag, "me"), "registered"))
}

func (h *Handler) registerPage(c *fiber.Ctx, in registerRequest, errs validate.Errors) AuthPage {
	loc := site.Lang(c)
	fields := slices.Insert(h.profileFields(loc, in.profile(), errs, true), 1, // after the name
		site.Field{Name: "email", Label: loc.T("auth.field.email"), Type: "email", Value: in.Email, Autocomplete: "email",
			Required: true, Error: site.FieldError(loc, errs, "email")},
		site.Field{Name: "password", Label: loc.T("auth.field.password"), Type: "password", Autocomplete: "new-password",
			Required: true, MinLength: 8, Hint: loc.T("auth.password.hint"), Error: site.FieldError(loc, errs, "password")})
	to := next(c)
	return AuthPage{
		Page:    h.site.Page(c, "/register", loc.T("auth.register.heading"), "register").WithNext(to),
		Heading: loc.T("auth.register.heading"),
		Intro:   loc.T("auth.register.intro"),
		Form: site.Form{Action: site.WithQuery(site.Path(loc.Tag, "register"), "next", to), Submit: loc.T("auth.register.submit"),
			Fields: fields},
		Links:       []site.Link{{Href: site.WithQuery(site.Path(loc.Tag, "login"), "next", to), Text: loc.T("auth.register.have_account")}},
		PrivacyText: loc.T("privacy.register.notice"),
		Privacy:     &site.Link{Href: site.Path(loc.Tag, "privacy"), Text: loc.T("privacy.register.link")},
	}
}

// ShowSignInPage shows the sign-in form; a signed-in reader is sent to their account.
func (h *Handler) ShowSignInPage(c *fiber.Ctx) error {
	loc := site.Lang(c)
	if site.User(c) != nil {
		return site.Redirect(c, site.Path(loc.Tag, "me"))
	}
	return site.Render(c, AuthForm(h.signInPage(c, signInRequest{Next: c.Query("next")}, "")))
}

// SignIn checks the address and password under the sign-in limits and starts a session, then
// sends the reader back to the page that asked for it (?next=, on this site only) or to their
// account. Wrong credentials are a 401 with the form again.
func (h *Handler) SignIn(c *fiber.Ctx) error {
	loc := site.Lang(c)
	var in signInRequest
	if err := site.ParseForm(c, &in); err != nil {
		return err
	}
	if in.Next == "" {
		in.Next = c.Query("next") // the form's action carries it
	}
	if err := h.limitSignIn(c, in.Email); err != nil {
		return err
	}
	u, err := h.accounts.Authenticate(c.UserContext(), in.Email, in.Password)
	if errors.Is(err, auth.ErrBadCredentials) {
		in.Password = ""
		return site.RenderStatus(c, fiber.StatusUnauthorized, AuthForm(h.signInPage(c, in, loc.T("auth.signin.failed"))))
	}
	if err != nil {
		return err
	}
	if u.MFA { // NB: the session begins only after the code (mfa_signin_pages.go)
		return h.startSecondStep(c, u, in.Next)
	}
	if err := h.site.StartSession(c, u); err != nil {
		return err
	}
	h.rememberDevice(c, u.Email)
	return site.Redirect(c, site.LocalPath(in.Next, loc.Tag, site.Path(loc.Tag, "me")))
}

func (h *Handler) signInPage(c *fiber.Ctx, in signInRequest, formErr string) AuthPage {
	loc := site.Lang(c)
	to := site.LocalPath(in.Next, loc.Tag, "")
	return AuthPage{
		Page:    h.site.Page(c, "/login", loc.T("auth.signin.heading"), "login").WithNext(to),
		Heading: loc.T("auth.signin.heading"),
		Form: site.Form{
			Action: site.WithQuery(site.Path(loc.Tag, "login"), "next", to),
			Submit: loc.T("auth.signin.submit"),
			Error:  formErr,
			Fields: []site.Field{
				{Name: "email", Label: loc.T("auth.field.email"), Type: "email", Value: in.Email, Autocomplete: "username", Required: true},
				{Name: "password", Label: loc.T("auth.field.password"), Type: "password", Autocomplete: "current-password", Required: true},
			},
		},
		Links: []site.Link{
			{Href: site.Path(loc.Tag, "password", "forgot"), Text: loc.T("auth.signin.forgot")},
			{Href: site.WithQuery(site.Path(loc.Tag, "register"), "next", to), Text: loc.T("auth.signin.no_account")},
		},
	}
}

// SignOut ends this browser's session on the server, deletes its cookie and goes to the home
// page.
func (h *Handler) SignOut(c *fiber.Ctx) error {
	if err := h.accounts.EndSession(c.UserContext(), h.site.SessionToken(c)); err != nil {
		return err
	}
	h.site.ClearSessionCookie(c)
	return site.Redirect(c, site.Path(site.Lang(c).Tag, "")) // "/en/": the home page
}

// ShowForgotPasswordPage shows the form that asks for a reset link.
func (h *Handler) ShowForgotPasswordPage(c *fiber.Ctx) error {
	return site.Render(c, AuthForm(h.forgotPage(c, "", nil, false)))
}

// RequestPasswordReset mails a reset link in the account's language. It answers the same whether
// or not the address has an account, and whether or not the address's mail limit let a mail go.
// A missing or over-long address (which no account has) is a 422 naming the field.
func (h *Handler) RequestPasswordReset(c *fiber.Ctx) error {
	loc := site.Lang(c)
	email := strings.TrimSpace(site.FormValue(c, "email"))
	var errs validate.Errors
	if _, tooLong := auth.BoundEmail(email); email == "" {
		errs.Add("email", "field.required", nil)
	} else if tooLong {
		errs.Add("email", "field.too_long", map[string]any{"Max": auth.MaxEmailBytes})
		email = "" // NB: not echoed into the form
	}
	if errs != nil {
		return site.RenderStatus(c, fiber.StatusUnprocessableEntity, AuthForm(h.forgotPage(c, email, errs, false)))
	}
	allowed, err := h.allowResetMail(c, email)
	if err != nil {
		return err
	}
	if !allowed {
		h.site.Log().Info("password reset: mail limit reached for this address; nothing sent", "request_id", site.RequestID(c))
		return site.Render(c, AuthForm(h.forgotPage(c, email, nil, true)))
	}
	err = h.accounts.RequestPasswordReset(c.UserContext(), email, func(u *auth.User, token string) notify.Message {
		ul := h.site.I18n().Localizer(u.Language)
		if ul == nil {
			ul = loc
		}
		link := h.site.Config().BaseURL.String() + site.Path(ul.Tag, "password", "reset", token)
		return notify.Message{To: u.Email, Subject: ul.T("auth.reset.mail_subject"),
			Body: ul.Tf("auth.reset.mail_body", map[string]any{"Name": u.Name, "Link": link})}
	})
	if err != nil {
		return err
	}
	return site.Render(c, AuthForm(h.forgotPage(c, email, nil, true)))
}

func (h *Handler) forgotPage(c *fiber.Ctx, email string, errs validate.Errors, done bool) AuthPage {
	loc := site.Lang(c)
	p := AuthPage{
		Page:    h.site.Page(c, "/password/forgot", loc.T("auth.forgot.heading"), "password"),
		Heading: loc.T("auth.forgot.heading"),
		Intro:   loc.T("auth.forgot.intro"),
		Form: site.Form{
			Action: site.Path(loc.Tag, "password", "forgot"),
			Submit: loc.T("auth.forgot.submit"),
			Fields: []site.Field{{Name: "email", Label: loc.T("auth.field.email"), Type: "email", Value: email,
				Autocomplete: "email", Required: true, Error: site.FieldError(loc, errs, "email")}},
		},
		Links: []site.Link{{Href: site.Path(loc.Tag, "login"), Text: loc.T("auth.back_to_signin")}},
	}
	if done {
		p.Done = loc.T("auth.forgot.sent")
	}
	return p
}

// ShowResetPasswordPage shows the new-password form of a reset link. The link is checked when
// the form is sent, not before: the page tells nothing about whether a token is valid.
func (h *Handler) ShowResetPasswordPage(c *fiber.Ctx) error {
	return site.Render(c, AuthForm(h.resetPage(c, nil, "", "")))
}

// ResetPassword sets the new password of a reset link, which ends every session of the user,
// this browser's too. A link that is unknown, used or expired is a 400 with the form again.
func (h *Handler) ResetPassword(c *fiber.Ctx) error {
	loc := site.Lang(c)
	err := h.accounts.ResetPassword(c.UserContext(), c.Params("token"), site.FormValue(c, "password"))
	if errors.Is(err, auth.ErrResetTokenNotUse) {
		return site.RenderStatus(c, fiber.StatusBadRequest, AuthForm(h.resetPage(c, nil, loc.T("auth.reset.invalid"), "")))
	}
	if errs, err := site.FormErrors(err); err != nil {
		return err
	} else if errs != nil {
		return site.RenderStatus(c, fiber.StatusUnprocessableEntity, AuthForm(h.resetPage(c, errs, "", "")))
	}
	h.site.ClearSessionCookie(c)
	return site.Render(c, AuthForm(h.resetPage(c, nil, "", loc.T("auth.reset.done"))))
}

func (h *Handler) resetPage(c *fiber.Ctx, errs validate.Errors, formErr, done string) AuthPage {
	loc := site.Lang(c)
	return AuthPage{
		// NB: the language switcher must not repeat the token in links; it leads to the request form.
		Page:    h.site.Page(c, "/password/forgot", loc.T("auth.reset.heading"), "password"),
		Heading: loc.T("auth.reset.heading"),
		Done:    done,
		Form: site.Form{
			Action: site.Path(loc.Tag, "password", "reset", c.Params("token")),
			Submit: loc.T("auth.reset.submit"),
			Error:  formErr,
			Fields: []site.Field{{Name: "password", Label: loc.T("auth.field.new_password"), Type: "password",
				Autocomplete: "new-password", Required: true, MinLength: 8, Hint: loc.T("auth.password.hint"),
				Error: site.FieldError(loc, errs, "password")}},
		},
		Links: []site.Link{{Href: site.Path(loc.Tag, "login"), Text: loc.T("auth.back_to_signin")}},
	}
}
