package accountweb

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/validate"
	"capacityhub/internal/web/site"
)

// A member's own data: "download my data" (a JSON file, from the account page or the API) and
// "delete my account" (a form on the account page that asks for the password, a code when
// two-step verification is on, and an explicit confirmation; or DELETE /api/v1/me).

// memberData gathers everything kept about u.
func (h *Handler) memberData(c *fiber.Ctx, u *auth.User) (memberDataJSON, error) {
	ctx := c.UserContext()
	account, err := h.accounts.AccountRecord(ctx, u)
	if err != nil {
		return memberDataJSON{}, err
	}
	learning, err := h.courses.LearnerRecord(ctx, u)
	if err != nil {
		return memberDataJSON{}, err
	}
	events, err := h.audit.About(ctx, u.ID, u.Email)
	if err != nil {
		return memberDataJSON{}, err
	}
	return toMemberDataJSON(h.site.BaseURL(), time.Now(), account, learning, events), nil
}

// DownloadMyData answers the reader's data as a JSON file to save (Content-Disposition:
// attachment), from the account page.
func (h *Handler) DownloadMyData(c *fiber.Ctx) error {
	d, err := h.memberData(c, site.User(c))
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Attachment("capacity-hub-my-data-" + time.Now().UTC().Format("2006-01-02") + ".json")
	return c.Send(b)
}

// ExportMyDataAPI is GET /api/v1/me/export: the same data as DownloadMyData, for token clients.
func (h *Handler) ExportMyDataAPI(c *fiber.Ctx) error {
	d, err := h.memberData(c, site.User(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(d)
}

// deleteRequest is the body of DELETE /api/v1/me, and the account page's deletion form (which
// adds the confirm box).
type deleteRequest struct {
	CurrentPassword string `json:"current_password" form:"current_password"`
	OTP             string `json:"otp" form:"otp"`
	Confirm         string `json:"-" form:"confirm"`
}

// DeleteMyAccount deletes the reader's account from the account page's form, once the box that
// says they understand is ticked, and signs this browser out; the home page then says it is done.
// A refusal shows the account page again with the errors beside the fields (422), or, for the
// last administrator, the account page with the explanation (409).
func (h *Handler) DeleteMyAccount(c *fiber.Ctx) error {
	u := site.User(c)
	var in deleteRequest
	if err := site.ParseForm(c, &in); err != nil {
		return err
	}
	var err error
	if in.Confirm != "yes" {
		err = validate.Errors{{Field: "confirm", Key: "privacy.delete.confirm_required"}}
	} else {
		err = h.accounts.DeleteAccount(c.UserContext(), u, in.CurrentPassword, in.OTP)
	}
	if errors.Is(err, auth.ErrLastAdmin) {
		view, err := h.mePage(c, u, profileOf(u), nil, nil)
		if err != nil {
			return err
		}
		view.Delete.Error = site.Lang(c).T(auth.ErrLastAdmin.Key())
		return site.RenderStatus(c, fiber.StatusConflict, Me(view))
	}
	if errs, err := site.FormErrors(codeRefusal(c, err)); err != nil {
		return err
	} else if errs != nil {
		view, err := h.mePage(c, u, profileOf(u), nil, nil)
		if err != nil {
			return err
		}
		view.Delete = h.deleteForm(site.Lang(c), u, errs)
		return site.RenderStatus(c, fiber.StatusUnprocessableEntity, Me(view))
	}
	_ = h.accounts.EndSession(c.UserContext(), h.site.SessionToken(c))
	h.site.ClearSessionCookie(c)
	return site.Redirect(c, site.Done(site.Path(site.Lang(c).Tag)+"/", "account_deleted"))
}

// DeleteMyAccountAPI is DELETE /api/v1/me: current_password (and otp with two-step verification
// on) in the body; 204, and every token of the account stops working.
func (h *Handler) DeleteMyAccountAPI(c *fiber.Ctx) error {
	var in deleteRequest
	if err := site.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.accounts.DeleteAccount(c.UserContext(), site.User(c), in.CurrentPassword, in.OTP); err != nil {
		return codeRefusal(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}
