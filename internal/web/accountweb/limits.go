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
	// SignInAccountLimit is the limit of sign-in attempts per account from clients it does not
	// know (no device token of its own), whatever their address: a ceiling on a guessing attack
	// spread over many addresses. It is high, so that strangers elsewhere rarely spend it, and a
	// device the owner signed in with before never draws on it (see auth.DeviceToken).
	SignInAccountLimit = kv.Limit{Rate: 100, Period: 15 * time.Minute, Burst: 50}
	// PasswordGuessLimit is the limit of password guesses of one client against one account: per
	// account and client address for an unknown client, per device for a known one, and per
	// signed-in user for the current-password checks.
	PasswordGuessLimit = kv.Limit{Rate: 10, Period: 15 * time.Minute, Burst: 5}
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

// limitSignIn checks the sign-in limits. A client holding a device token of this account (it
// signed in with it before) answers only to its own budget, so that no flood of guesses from
// elsewhere keeps the owner out. Any other client answers to three: its address's, the pair of
// account and address (so that one address spends its own share of guesses, not the account's),
// then the account's ceiling. Each refusal is noted with the accounts service, which audits the
// first of each window (one entry, not one per attempt, so that a flood cannot flood the log).
// NB: keys hold the address as auth.BoundEmail gives it, never more than auth.MaxEmailBytes.
func (h *Handler) limitSignIn(c *fiber.Ctx, email string) error {
	email, _ = auth.BoundEmail(email)
	if device, ok := h.knownDevice(c, email); ok {
		c.SetUserContext(auth.WithPriority(c.UserContext())) // and her password check goes first
		return h.enforceSignIn(c, email, "signin-device:"+device, PasswordGuessLimit)
	}
	source := site.LimitKey(c)
	if err := h.site.Enforce(c, "signin-ip:"+source, limitSignInIP, false); err != nil {
		return err
	}
	if err := h.enforceSignIn(c, email, "signin-source:"+source+"|"+email, PasswordGuessLimit); err != nil {
		return err
	}
	return h.enforceSignIn(c, email, "signin:"+email, SignInAccountLimit)
}

func (h *Handler) enforceSignIn(c *fiber.Ctx, email, key string, limit kv.Limit) error {
	err := h.site.Enforce(c, key, limit, false)
	if errors.Is(err, site.ErrTooMany) {
		h.accounts.NoteSignInLimited(c.UserContext(), email, limit.Period)
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
	if err := h.site.Enforce(c, "password-check:"+site.User(c).ID, PasswordGuessLimit, false); err != nil {
		return err
	}
	return c.Next()
}
