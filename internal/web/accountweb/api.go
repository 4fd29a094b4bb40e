package accountweb

import (
	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/web/site"
)

// RegisterAPI creates an account (201, with the user and Location /api/v1/me). It signs no one
// in: the client asks for tokens next.
func (h *Handler) RegisterAPI(c *fiber.Ctx) error {
	var in registerRequest
	if err := site.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, err := h.accounts.Register(c.UserContext(), in.registration())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/me")
	return c.Status(fiber.StatusCreated).JSON(toUserJSON(u))
}

// CreateToken signs in with an address and password, under the sign-in limits, and answers a
// token pair. An account with two-step verification also needs otp: without it, or with a wrong
// one, the answer is 401 with "mfa_required": true.
func (h *Handler) CreateToken(c *fiber.Ctx) error {
	var in signInRequest
	if err := site.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.limitSignIn(c, in.Email); err != nil {
		return err
	}
	u, err := h.accounts.Authenticate(c.UserContext(), in.Email, in.Password)
	if err != nil {
		return err
	}
	if err := h.accounts.SecondFactor(c.UserContext(), u, in.OTP); err != nil {
		return codeRefusal(c, err)
	}
	pair, err := h.accounts.IssueTokens(c.UserContext(), u)
	if err != nil {
		return err
	}
	h.rememberDevice(c, u.Email)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(toTokenJSON(pair))
}

// RefreshToken trades a refresh token for a new pair. A refresh token works once: using it again
// revokes its whole family (auth.Service.Refresh).
func (h *Handler) RefreshToken(c *fiber.Ctx) error {
	var in refreshRequest
	if err := site.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.RefreshToken == "" {
		return site.ErrRequired("refresh_token")
	}
	pair, err := h.accounts.Refresh(c.UserContext(), in.RefreshToken)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(toTokenJSON(pair))
}

// LogoutAPI ends the sign-in of the access token that authorizes it (all its access and refresh
// tokens) and, when given, the refresh token's whole family. The body is optional.
func (h *Handler) LogoutAPI(c *fiber.Ctx) error {
	claims := site.Claims(c)
	if claims == nil { // NB: SignedIn stands first, and an API user is always signed in by a token
		return auth.ErrUnauthenticated
	}
	var in refreshRequest
	if len(c.Body()) > 0 {
		if err := site.DecodeJSON(c, &in); err != nil {
			return err
		}
	}
	if err := h.accounts.Logout(c.UserContext(), claims, in.RefreshToken); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// ShowMe answers the signed-in user's own account.
func (h *Handler) ShowMe(c *fiber.Ctx) error { return c.JSON(toUserJSON(site.User(c))) }
