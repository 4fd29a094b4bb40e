package courseweb

import (
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
