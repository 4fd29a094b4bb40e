// Package accountweb is the accounts surface: registration, sign-in and sign-out, password reset,
// the reader's own account page, the admin pages for users and the audit log, the account API
// (register, tokens, refresh, logout, me) and the rate limits that guard sign-in, registration,
// password resets and password checks. Routes and their guards are in internal/web/routes.go.
package accountweb

import (
	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/i18n"
	"capacityhub/internal/moderation"
	"capacityhub/internal/web/site"
)

// Handler serves the accounts surface. One is built at start-up and shared by every request.
type Handler struct {
	site     *site.Site
	accounts *auth.Service
	courses  *course.Service // the reader's courses on their account page
	audit    *moderation.AuditLog
	// countryOptions are the countries named and sorted for each language, and countryNames the
	// same names by code; both computed once, since naming and sorting them is slow.
	countryOptions map[string][]site.Option
	countryNames   map[string]map[string]string
}

// New builds the accounts handler.
func New(s *site.Site, accounts *auth.Service, courses *course.Service, audit *moderation.AuditLog) *Handler {
	h := &Handler{site: s, accounts: accounts, courses: courses, audit: audit,
		countryOptions: map[string][]site.Option{}, countryNames: map[string]map[string]string{}}
	for _, lang := range i18n.Languages {
		names := map[string]string{}
		for _, c := range auth.Countries(lang.Tag) {
			h.countryOptions[lang.Tag] = append(h.countryOptions[lang.Tag], site.Option{Value: c.Code, Label: c.Name})
			names[c.Code] = c.Name
		}
		h.countryNames[lang.Tag] = names
	}
	return h
}

// countryName is a country's name in language tag, from the names computed at start-up, or for a
// stored code the registration list no longer offers (TW), auth's name for it.
func (h *Handler) countryName(tag, code string) string {
	if name, ok := h.countryNames[tag][code]; ok {
		return name
	}
	return auth.CountryName(tag, code)
}
