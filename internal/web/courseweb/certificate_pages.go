package courseweb

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/course"
	"capacityhub/internal/web/site"
)

// CertificatePage is the public verification page and the printable certificate.
type CertificatePage struct {
	site.Page
	Certificate *course.Certificate
	VerifyURL   string // the absolute address of the verification page, printed on the certificate
}

// ShowCertificatePage is the public verification page, /certificates/{id}. Its address carries
// no language, so that it is the same wherever it is printed or shared: the page speaks ?lang=
// when given, else the reader's language as / picks it (lang cookie, then Accept-Language).
func (h *Handler) ShowCertificatePage(c *fiber.Ctx) error {
	loc := h.site.Negotiated(c)
	site.SetLang(c, loc)
	cert, err := h.courses.Certificate(c.UserContext(), c.Params("id"), loc.Tag)
	if err != nil {
		return err
	}
	p := h.site.Page(c, site.Path("certificates", cert.ID), loc.T("cert.verify.heading")+" · "+loc.T("site.name"), "")
	p.Unprefixed = true
	return site.Render(c, CertificateView(CertificatePage{Page: p, Certificate: cert}))
}

// ShowPrintableCertificate is the certificate laid out for printing, in the page's language.
func (h *Handler) ShowPrintableCertificate(c *fiber.Ctx) error {
	loc := site.Lang(c)
	cert, err := h.courses.Certificate(c.UserContext(), c.Params("id"), loc.Tag)
	if err != nil {
		return err
	}
	verify := site.Path("certificates", cert.ID)
	p := h.site.Page(c, verify+"/print", loc.T("cert.title")+" · "+cert.Name, "")
	return site.Render(c, CertificatePrint(CertificatePage{Page: p, Certificate: cert,
		VerifyURL: h.site.Config().BaseURL.String() + verify}))
}

// CertificateLookupPage is the form that finds a certificate by its number.
type CertificateLookupPage struct {
	site.Page
	Field    site.Field
	NotFound bool
}

// ShowCertificateLookup is /{lang}/certificates: a GET form for a certificate's number (as printed
// on it, in any case, with or without spaces), which sends the reader to its verification page.
// A number of the wrong shape is a 422 naming the field; one no certificate has, a 404 saying so.
func (h *Handler) ShowCertificateLookup(c *fiber.Ctx) error {
	loc := site.Lang(c)
	number := c.Query("number")
	v := CertificateLookupPage{Page: h.site.Page(c, "/certificates", loc.T("cert.lookup.heading"), ""),
		Field: site.Field{Name: "number", Label: loc.T("cert.id"), Type: "text", Value: number, Required: true,
			MaxLength: 64, Autocomplete: "off", Hint: loc.T("cert.lookup.hint")}}
	if number == "" {
		return site.Render(c, CertificateLookup(v))
	}
	id := course.NormalizeCertificateID(number)
	if !course.ValidCertificateID(id) {
		v.Field.Error = loc.T("cert.lookup.invalid")
		return site.RenderStatus(c, fiber.StatusUnprocessableEntity, CertificateLookup(v))
	}
	if _, err := h.courses.Certificate(c.UserContext(), id, loc.Tag); err != nil {
		if !errors.Is(err, course.ErrNotFound) {
			return err
		}
		v.NotFound = true
		return site.RenderStatus(c, fiber.StatusNotFound, CertificateLookup(v))
	}
	return site.Redirect(c, site.WithQuery(site.Path("certificates", id), "lang", loc.Tag))
}
