package web_test

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"capacityhub/content"
	"capacityhub/internal/config"
	"capacityhub/internal/i18n"
	"capacityhub/internal/pages"
	"capacityhub/internal/web/webtest"
)

// The privacy notice, about and contact pages answer in each of the six languages, with the
// page's language and direction, its title as heading, and every page's footer links to all
// three; the registration form links the privacy notice above the fields it covers.
func TestInformationPagesInEveryLanguage(t *testing.T) {
	t.Parallel()
	ts := webtest.New(t)
	set, err := pages.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Languages {
		footer := []string{
			`href="/` + lang.Tag + `/about"`, webtest.PageText(t, lang.Tag, "privacy.footer.about"),
			`href="/` + lang.Tag + `/privacy"`, webtest.PageText(t, lang.Tag, "privacy.footer.privacy"),
			`href="/` + lang.Tag + `/contact"`, webtest.PageText(t, lang.Tag, "privacy.footer.contact"),
		}
		for _, slug := range pages.Slugs {
			p, _ := set.Page(slug, lang.Tag)
			path := "/" + lang.Tag + "/" + slug
			resp, body := ts.Get(t, path)
			webtest.WantPage(t, path, resp, body, http.StatusOK, append([]string{
				`<html lang="` + lang.Tag + `" dir="` + lang.Dir + `">`,
				"<h1>" + html.EscapeString(p.Title) + "</h1>",
				`<link rel="alternate" hreflang="zh" href="http://localhost:8080/zh/` + slug + `">`,
			}, footer...))
		}
		resp, body := ts.Get(t, "/"+lang.Tag+"/")
		webtest.WantPage(t, "home in "+lang.Tag, resp, body, http.StatusOK, footer)

		resp, body = ts.Get(t, "/"+lang.Tag+"/register")
		webtest.WantPage(t, "registration in "+lang.Tag, resp, body, http.StatusOK, []string{
			webtest.PageText(t, lang.Tag, "privacy.register.notice") + ` <a href="/` + lang.Tag + `/privacy">`})
		if note, form := strings.Index(body, `id="privacy-note"`), strings.Index(body, `name="country"`); note < 0 || note > form {
			t.Errorf("registration in %s: the privacy line is not before the fields it covers", lang.Tag)
		}
	}
}

// The contact page gives CONTACT_EMAIL when it is set, and says that no address is published
// when it is not.
func TestContactPageGivesTheConfiguredAddress(t *testing.T) {
	t.Parallel()
	_, body := webtest.New(t).Get(t, "/fr/contact")
	if !strings.Contains(body, webtest.PageText(t, "fr", "privacy.contact.none")) || strings.Contains(body, "mailto:") {
		t.Errorf("without CONTACT_EMAIL: the page should say no address is published, and link none")
	}
	ts := webtest.New(t, webtest.WithConfig(func(c *config.Config) { c.ContactEmail = "capacity-hub@example.org" }))
	_, body = ts.Get(t, "/ar/contact")
	if !strings.Contains(body, `href="mailto:capacity-hub@example.org"`) || strings.Contains(body, webtest.PageText(t, "ar", "privacy.contact.none")) {
		t.Errorf("with CONTACT_EMAIL: the page should link the address")
	}
}
