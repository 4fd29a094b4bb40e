package site

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/i18n"
)

// Resend is a page form refused for its token (it expired: opened before a restart, or before
// the reader signed in or out), ready to send again: everything it held goes back as it was sent,
// with a fresh token, so that nothing typed is lost, whichever form it was (quiz answers
// included). Secrets (passwords, codes) are never written into a page: the reader types them
// again.
type Resend struct {
	Action string
	Token  string
	Fields []ResendField // in the order sent; a name sent several times (checkboxes) repeats
	Submit string
}

// ResendField is one value of a refused form.
type ResendField struct {
	Name, Value string
	Label       string // for a secret, which the reader types again
	Secret      bool
}

// secretFields are the fields never written back into a page, with their labels.
var secretFields = map[string]string{
	"password": "auth.field.password", "current_password": "auth.field.current_password", "otp": "auth.field.otp",
}

// resendForm is the refused form of this request, or nil when there is none to send again.
func (s *Site) resendForm(c *fiber.Ctx, loc *i18n.Localizer) *Resend {
	action := string(c.Request().URI().RequestURI())
	if c.Method() != fiber.MethodPost || IsAPI(c) || !strings.HasPrefix(action, "/") || strings.HasPrefix(action, "//") {
		return nil
	}
	// NB: only a form the browser says it sent from this site's own page: one from another site
	// (an attack) must not come back as a form of ours, with a valid token, one tap from sent.
	origin := c.Get(fiber.HeaderOrigin)
	if c.Get("Sec-Fetch-Site") != "same-origin" && (origin == "" || !s.ownOrigin(c, origin)) {
		return nil
	}
	r := &Resend{Action: action, Token: s.CSRFToken(c), Submit: loc.T("error.csrf.submit")}
	for k, v := range c.Request().PostArgs().All() {
		name := string(k)
		switch label, secret := secretFields[name]; {
		case name == CSRFField:
		case secret:
			r.Fields = append(r.Fields, ResendField{Name: name, Label: loc.T(label), Secret: true})
		default:
			r.Fields = append(r.Fields, ResendField{Name: name, Value: string(v)})
		}
	}
	return r
}
