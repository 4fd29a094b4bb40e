package accountweb

import (
	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/web/site"
)

// mfaEnrolmentJSON is the answer of POST /me/mfa: the key to put in an authenticator app.
type mfaEnrolmentJSON struct {
	Secret     string `json:"secret"`
	OTPAuthURI string `json:"otpauth_uri"`
}

// recoveryCodesJSON is the answer of POST /me/mfa/confirm: the recovery codes, shown once.
type recoveryCodesJSON struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

// mfaRequest is the body of POST /me/mfa/confirm and DELETE /me/mfa.
type mfaRequest struct {
	OTP             string `json:"otp"`
	CurrentPassword string `json:"current_password"`
}

// StartMFAAPI starts (or starts again) the set-up of two-step verification: a new pending key.
// With it on already, 409.
func (h *Handler) StartMFAAPI(c *fiber.Ctx) error {
	e, err := h.accounts.StartMFA(c.UserContext(), site.User(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(mfaEnrolmentJSON{Secret: e.Secret, OTPAuthURI: e.URI})
}

// ConfirmMFAAPI turns two-step verification on with a current code of the pending key and
// answers the recovery codes (a wrong code: 422 on otp).
func (h *Handler) ConfirmMFAAPI(c *fiber.Ctx) error {
	var in mfaRequest
	if err := site.DecodeJSON(c, &in); err != nil {
		return err
	}
	codes, err := h.accounts.ConfirmMFA(c.UserContext(), site.User(c), in.OTP)
	if err != nil {
		return codeRefusal(c, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(recoveryCodesJSON{RecoveryCodes: codes})
}

// DisableMFAAPI turns two-step verification off, given current_password and otp (204).
func (h *Handler) DisableMFAAPI(c *fiber.Ctx) error {
	var in mfaRequest
	if err := site.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.accounts.DisableMFA(c.UserContext(), site.User(c), in.CurrentPassword, in.OTP); err != nil {
		return codeRefusal(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}
