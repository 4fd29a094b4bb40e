package accountweb

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/kv"
	"capacityhub/internal/web/site"
)

// The accounts' rate limits (GCRA: a steady rate with a burst), on top of the limits every
// surface shares (site). Per-IP limits are generous because whole universities and ministries
// often share one address behind NAT. All of them fail closed: while the shared store is down,
// the requests they guard are refused (503), never let through unlimited.
var (
	// SignInAccountLimit is the limit of sign-in attempts per e-mail address (and of a signed-in
	// user's current-password checks).
	SignInAccountLimit = kv.Limit{Rate: 10, Period: 15 * time.Minute, Burst: 5}
	// ResetMailLimit is the limit of password-reset mails per e-mail address.
	ResetMailLimit = kv.Limit{Rate: 3, Period: time.Hour, Burst: 3}

	limitSignInIP   = kv.Limit{Rate: 100, Period: 15 * time.Minute, Burst: 30}
	limitRegisterIP = kv.Limit{Rate: 20, Period: time.Hour, Burst: 10}
	limitResetIP    = kv.Limit{Rate: 10, Period: time.Hour, Burst: 5} // password-reset requests per IP
)

// LimitRegistration is the per-IP limit on new accounts, a guard on the registration routes.
func (h *Handler) LimitRegistration(c *fiber.Ctx) error {
	if err := h.site.Enforce(c, "register:"+site.LimitKey(c), limitRegisterIP, false); err != nil {
		return err
	}
	return c.Next()
}

// LimitResetRequests is the per-IP limit on password-reset requests, a guard on the request form.
func (h *Handler) LimitResetRequests(c *fiber.Ctx) error {
	if err := h.site.Enforce(c, "reset:"+site.LimitKey(c), limitResetIP, false); err != nil {
		return err
	}
	return c.Next()
}

// limitSignIn checks both sign-in limits: per IP, then per account. Each refusal of an account's
// attempts is noted with the accounts service, which audits the first of each window (one entry,
// not one per attempt, so that a flood of guesses cannot flood the log). NB: the account's key
// holds the address as auth.BoundEmail gives it, never more than auth.MaxEmailBytes of input.
func (h *Handler) limitSignIn(c *fiber.Ctx, email string) error {
	if err := h.site.Enforce(c, "signin-ip:"+site.LimitKey(c), limitSignInIP, false); err != nil {
		return err
	}
	email, _ = auth.BoundEmail(email)
	err := h.site.Enforce(c, "signin:"+email, SignInAccountLimit, false)
	if errors.Is(err, site.ErrTooMany) {
		h.accounts.NoteSignInLimited(c.UserContext(), email, SignInAccountLimit.Period)
	}
	return err
}

// allowResetMail tells whether another password-reset mail may go to this address now. Whoever
// asks gets the same page either way, so the limit tells nothing about which addresses have
// accounts; it keeps anyone from filling a person's inbox from many addresses. The key holds the
// address as auth.BoundEmail gives it.
func (h *Handler) allowResetMail(c *fiber.Ctx, email string) (bool, error) {
	email, _ = auth.BoundEmail(email)
	return h.site.Allow(c, "reset-mail:"+email, ResetMailLimit)
}

// LimitPasswordChecks guards the current-password check of a signed-in user as sign-in is
// guarded: a stolen session must not try passwords faster than the sign-in form allows. It stands
// behind SignedIn.
func (h *Handler) LimitPasswordChecks(c *fiber.Ctx) error {
	if err := h.site.Enforce(c, "password-check:"+site.User(c).ID, SignInAccountLimit, false); err != nil {
		return err
	}
	return c.Next()
}
