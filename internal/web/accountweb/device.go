package accountweb

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

const (
	// deviceMaxAge is how long a device stays known without signing in again.
	deviceMaxAge = 180 * 24 * time.Hour
	// deviceMaxAccounts is how many accounts one device cookie remembers (a computer shared in an
	// office); a new one pushes out the oldest.
	deviceMaxAccounts = 5
	// deviceTokenMax bounds what is read of the cookie, whatever a client sends.
	deviceTokenMax = 64
)

// deviceCookie is the name of the cookie that holds a browser's device tokens (see
// auth.DeviceToken): with https, the __Host- prefix binds it to this host.
func (h *Handler) deviceCookie() string {
	if h.site.Config().Secure() {
		return "__Host-device"
	}
	return "device"
}

// deviceTokens are the tokens of the device cookie this request came with, at most
// deviceMaxAccounts of them.
func (h *Handler) deviceTokens(c *fiber.Ctx) []string {
	v := c.Cookies(h.deviceCookie())
	if v == "" || len(v) > deviceMaxAccounts*(deviceTokenMax+1) {
		return nil
	}
	tokens := strings.Split(v, "~")
	if len(tokens) > deviceMaxAccounts {
		tokens = tokens[len(tokens)-deviceMaxAccounts:]
	}
	return tokens
}

// knownDevice finds this account's token in the request's device cookie.
func (h *Handler) knownDevice(c *fiber.Ctx, email string) (id string, ok bool) {
	for _, t := range h.deviceTokens(c) {
		if id, ok := h.accounts.KnownDevice(email, t); ok {
			return id, true
		}
	}
	return "", false
}

// rememberDevice gives the client a device token of the account it just signed in to, keeping
// the tokens it holds for other accounts, and pushes the cookie's expiry back. NB: it is called
// only once the password was right, so a token says its holder knew the password; a stolen one
// buys no more guesses than any one client gets.
func (h *Handler) rememberDevice(c *fiber.Ctx, email string) {
	var keep []string
	mine := ""
	for _, t := range h.deviceTokens(c) {
		if _, ok := h.accounts.KnownDevice(email, t); ok {
			mine = t
		} else if len(t) <= deviceTokenMax {
			keep = append(keep, t)
		}
	}
	if mine == "" {
		mine = h.accounts.DeviceToken(email)
	}
	keep = append(keep, mine)
	if len(keep) > deviceMaxAccounts {
		keep = keep[len(keep)-deviceMaxAccounts:]
	}
	c.Cookie(&fiber.Cookie{
		Name: h.deviceCookie(), Value: strings.Join(keep, "~"), Path: "/", HTTPOnly: true,
		Secure: h.site.Config().Secure(), SameSite: fiber.CookieSameSiteLaxMode, MaxAge: int(deviceMaxAge.Seconds()),
	})
}
