package accountweb

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/validate"
	"capacityhub/internal/web/site"
)

// The second step of a browser's sign-in to an account with two-step verification: SignIn, once
// the password is right, holds the sign-in (auth.StartPendingSignIn), gives the browser its token
// in a cookie and sends it to the code form; the session begins only with a right code.

// pendingCookie is the name of the cookie of a pending sign-in (with https, __Host- binds it to
// this host and path /).
func (h *Handler) pendingCookie() string {
	if h.site.Config().Secure() {
		return "__Host-signin_pending"
	}
	return "signin_pending"
}

func (h *Handler) setPendingCookie(c *fiber.Ctx, value string, maxAge time.Duration) {
	ck := &fiber.Cookie{Name: h.pendingCookie(), Value: value, Path: "/", HTTPOnly: true, Secure: h.site.Config().Secure(),
		SameSite: fiber.CookieSameSiteLaxMode, MaxAge: int(maxAge.Seconds())}
	if maxAge <= 0 {
		ck.MaxAge, ck.Expires = 0, time.Unix(1, 0) // NB: fasthttp writes nothing for a negative MaxAge
	}
	c.Cookie(ck)
}

// startSecondStep holds u's sign-in, whose password was right, and sends the browser to the code
// form, carrying next along.
func (h *Handler) startSecondStep(c *fiber.Ctx, u *auth.User, next string) error {
	token, err := h.accounts.StartPendingSignIn(c.UserContext(), u)
	if err != nil {
		return err
	}
	h.setPendingCookie(c, token, auth.PendingSignInTTL)
	loc := site.Lang(c)
	return site.Redirect(c, site.WithQuery(site.Path(loc.Tag, "login", "code"), "next", site.LocalPath(next, loc.Tag, "")))
}

// ShowSignInCodePage shows the code form. The pending sign-in is checked when the form is sent,
// not before, as a reset link is.
func (h *Handler) ShowSignInCodePage(c *fiber.Ctx) error {
	return site.Render(c, AuthForm(h.signInCodePage(c, c.Query("next"), nil)))
}

// SignInWithCode completes a pending sign-in with a code, starts the session and sends the
// reader where the sign-in form would have. A wrong code shows the form again (401); an expired
// or spent pending sign-in (or none), the sign-in form saying so (400).
func (h *Handler) SignInWithCode(c *fiber.Ctx) error {
	loc := site.Lang(c)
	next := c.Query("next")
	u, err := h.accounts.CompletePendingSignIn(c.UserContext(), c.Cookies(h.pendingCookie()), site.FormValue(c, "otp"))
	switch {
	case errors.Is(err, auth.ErrMFARequired):
		errs := validate.Errors{{Field: "otp", Key: "auth.mfa.code_wrong"}}
		return site.RenderStatus(c, fiber.StatusUnauthorized, AuthForm(h.signInCodePage(c, next, errs)))
	case errors.Is(err, auth.ErrPendingSignInExpired):
		h.setPendingCookie(c, "", 0)
		page := h.signInPage(c, signInRequest{Next: next}, loc.T("auth.error.pending_expired"))
		return site.RenderStatus(c, fiber.StatusBadRequest, AuthForm(page))
	case err != nil:
		return codeRefusal(c, err)
	}
	h.setPendingCookie(c, "", 0)
	if err := h.site.StartSession(c, u); err != nil {
		return err
	}
	h.rememberDevice(c, u.Email)
	return site.Redirect(c, site.LocalPath(next, loc.Tag, site.Path(loc.Tag, "me")))
}

func (h *Handler) signInCodePage(c *fiber.Ctx, next string, errs validate.Errors) AuthPage {
	loc := site.Lang(c)
	return AuthPage{
		Page:    h.site.Page(c, "/login", loc.T("auth.mfa.signin.heading"), "login"),
		Heading: loc.T("auth.mfa.signin.heading"),
		Intro:   loc.T("auth.mfa.signin.intro"),
		Form: site.Form{
			Action: site.WithQuery(site.Path(loc.Tag, "login", "code"), "next", site.LocalPath(next, loc.Tag, "")),
			Submit: loc.T("auth.mfa.signin.submit"),
			Fields: []site.Field{codeField(loc, "otp", errs)},
		},
		Links: []site.Link{{Href: site.Path(loc.Tag, "login"), Text: loc.T("auth.back_to_signin")}},
	}
}
