package accountweb

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/i18n"
	"capacityhub/internal/validate"
	"capacityhub/internal/web/site"
)

// MFAView is the two-step verification section of the account page.
type MFAView struct {
	State   auth.MFAState
	Staff   bool // the reader holds a staff role: it is required of them
	Pending *PendingMFAView
	Start   site.Form
	Confirm site.Form
	Renew   site.Form
	Disable site.Form
}

// PendingMFAView is a set-up under way: the key grouped for reading, its URI and its QR code.
type PendingMFAView struct {
	Secret string
	URI    string
	QR     QRCode
}

// RecoveryCodesPage shows new recovery codes once.
type RecoveryCodesPage struct {
	site.Page
	Codes []string
}

// The account page's two-step verification forms, by what a failed submission names.
const (
	mfaConfirmForm = "confirm"
	mfaRenewForm   = "renew"
	mfaDisableForm = "disable"
)

// mfaView fills the section for u, with errs beside the fields of form (one of the mfa*Form).
func (h *Handler) mfaView(c *fiber.Ctx, u *auth.User, form string, errs validate.Errors) (MFAView, error) {
	loc := site.Lang(c)
	state, err := h.accounts.MFAState(c.UserContext(), u)
	if err != nil {
		return MFAView{}, err
	}
	v := MFAView{State: state, Staff: u.IsStaff(),
		Start: site.Form{Action: site.Path(loc.Tag, "me", "mfa"), Submit: loc.T("me.mfa.start.submit")}}
	formErrs := func(name string) validate.Errors {
		if name == form {
			return errs
		}
		return nil
	}
	if p := state.Pending; p != nil {
		qr, err := newQRCode(p.URI)
		if err != nil {
			return MFAView{}, err
		}
		v.Pending = &PendingMFAView{Secret: groupSecret(p.Secret), URI: p.URI, QR: qr}
		v.Confirm = site.Form{Action: site.Path(loc.Tag, "me", "mfa", "confirm"), Submit: loc.T("me.mfa.confirm.submit"),
			Fields: []site.Field{codeField(loc, "confirm-otp", formErrs(mfaConfirmForm))}}
	}
	v.Renew = h.passwordAndCodeForm(loc, mfaRenewForm, "recovery-codes", "me.mfa.renew.submit", formErrs(mfaRenewForm))
	v.Disable = h.passwordAndCodeForm(loc, mfaDisableForm, "disable", "me.mfa.disable.submit", formErrs(mfaDisableForm))
	return v, nil
}

// passwordAndCodeForm is a form that takes the current password and a code, its fields' ids
// prefixed with name so that two of them, and the password form, share one page.
func (h *Handler) passwordAndCodeForm(loc *i18n.Localizer, name, action, submit string, errs validate.Errors) site.Form {
	return site.Form{Action: site.Path(loc.Tag, "me", "mfa", action), Submit: loc.T(submit), Fields: []site.Field{
		{Name: "current_password", ID: name + "-current_password", Label: loc.T("auth.field.current_password"), Type: "password",
			Autocomplete: "current-password", Required: true, Error: site.FieldError(loc, errs, "current_password")},
		codeField(loc, name+"-otp", errs),
	}}
}

// codeField is the field of a code from the authenticator app (or a recovery code).
func codeField(loc *i18n.Localizer, id string, errs validate.Errors) site.Field {
	return site.Field{Name: "otp", ID: id, Label: loc.T("auth.field.otp"), Type: "text", Autocomplete: "one-time-code",
		Required: true, MaxLength: 64, Hint: loc.T("auth.mfa.code_hint"), Error: site.FieldError(loc, errs, "otp")}
}

// StartMFA begins the set-up of two-step verification and shows it on the account page.
func (h *Handler) StartMFA(c *fiber.Ctx) error {
	me := site.Path(site.Lang(c).Tag, "me")
	_, err := h.accounts.StartMFA(c.UserContext(), site.User(c))
	if errors.Is(err, auth.ErrMFAOn) {
		return site.Redirect(c, me+"#mfa")
	}
	if err != nil {
		return err
	}
	return site.Redirect(c, site.Done(me, "mfa_started")+"#mfa")
}

// ConfirmMFA turns two-step verification on with a code of the pending key, and shows the
// recovery codes once. A wrong code shows the account page again (422).
func (h *Handler) ConfirmMFA(c *fiber.Ctx) error {
	u := site.User(c)
	codes, err := h.accounts.ConfirmMFA(c.UserContext(), u, site.FormValue(c, "otp"))
	if errors.Is(err, auth.ErrMFANotStarted) || errors.Is(err, auth.ErrMFAOn) {
		return site.Redirect(c, site.Path(site.Lang(c).Tag, "me")+"#mfa")
	}
	return h.showRecoveryCodes(c, u, mfaConfirmForm, codes, err)
}

// RenewRecoveryCodes replaces the recovery codes, given the password and a code, and shows the
// new ones once.
func (h *Handler) RenewRecoveryCodes(c *fiber.Ctx) error {
	u := site.User(c)
	codes, err := h.accounts.RegenerateRecoveryCodes(c.UserContext(), u, site.FormValue(c, "current_password"), site.FormValue(c, "otp"))
	return h.showRecoveryCodes(c, u, mfaRenewForm, codes, err)
}

// DisableMFA turns two-step verification off, given the password and a code.
func (h *Handler) DisableMFA(c *fiber.Ctx) error {
	u := site.User(c)
	err := h.accounts.DisableMFA(c.UserContext(), u, site.FormValue(c, "current_password"), site.FormValue(c, "otp"))
	if errs, err := site.FormErrors(codeRefusal(c, err)); err != nil {
		return err
	} else if errs != nil {
		return h.showMePageWithMFAErrors(c, u, mfaDisableForm, errs)
	}
	return site.Redirect(c, site.Done(site.Path(site.Lang(c).Tag, "me"), "mfa_disabled")+"#mfa")
}

// showRecoveryCodes shows new codes, or, when err names fields, the account page with them.
func (h *Handler) showRecoveryCodes(c *fiber.Ctx, u *auth.User, form string, codes []string, err error) error {
	if errs, err := site.FormErrors(codeRefusal(c, err)); err != nil {
		return err
	} else if errs != nil {
		return h.showMePageWithMFAErrors(c, u, form, errs)
	}
	loc := site.Lang(c)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return site.Render(c, RecoveryCodes(RecoveryCodesPage{Page: h.site.Page(c, "/me", loc.T("me.mfa.codes.heading"), "me"), Codes: codes}))
}

func (h *Handler) showMePageWithMFAErrors(c *fiber.Ctx, u *auth.User, form string, errs validate.Errors) error {
	view, err := h.mePage(c, u, profileOf(u), nil, nil)
	if err != nil {
		return err
	}
	if view.MFA, err = h.mfaView(c, u, form, errs); err != nil {
		return err
	}
	return site.RenderStatus(c, fiber.StatusUnprocessableEntity, Me(view))
}

// codeRefusal passes err on, telling a client refused for too many wrong codes when to try again.
func codeRefusal(c *fiber.Ctx, err error) error {
	if errors.Is(err, auth.ErrMFALocked) {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(auth.WrongCodeWindow.Seconds())))
	}
	return err
}
