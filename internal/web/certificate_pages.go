package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/i18n"
	"capacityhub/internal/web/templates"
)

// showCertificatePage is the public verification page, /certificates/{id}. Its address carries
// no language, so that it is the same wherever it is printed or shared: the page speaks ?lang=
// when given, else the reader's language as / picks it (lang cookie, then Accept-Language).
func (h *handler) showCertificatePage(c *fiber.Ctx) error {
	tag := c.Query("lang")
	if !i18n.Supported(tag) {
		tag = h.i18n.Negotiate(c.Cookies("lang"), c.Get(fiber.HeaderAcceptLanguage))
		c.Vary(fiber.HeaderCookie, fiber.HeaderAcceptLanguage)
	}
	loc := h.i18n.Localizer(tag)
	cert, err := h.courses.Certificate(c.UserContext(), c.Params("id"), loc.Tag)
	if err != nil {
		return err
	}
	p := h.page(c, loc, "/certificates/"+url.PathEscape(cert.ID), loc.T("cert.verify.heading")+" · "+loc.T("site.name"), "")
	p.Unprefixed = true
	return render(c, templates.CertificateView(templates.CertificatePage{Page: p, Certificate: cert}))
}

// showPrintableCertificate is the certificate laid out for printing, in the page's language.
func (h *handler) showPrintableCertificate(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	cert, err := h.courses.Certificate(c.UserContext(), c.Params("id"), loc.Tag)
	if err != nil {
		return err
	}
	verify := "/certificates/" + url.PathEscape(cert.ID)
	p := h.page(c, loc, verify+"/print", loc.T("cert.title")+" · "+cert.Name, "")
	return render(c, templates.CertificatePrint(templates.CertificatePage{Page: p, Certificate: cert,
		VerifyURL: h.cfg.BaseURL.String() + verify}))
}
