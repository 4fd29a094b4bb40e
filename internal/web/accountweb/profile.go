package accountweb

import (
	"strings"

	"capacityhub/internal/auth"
	"capacityhub/internal/i18n"
	"capacityhub/internal/validate"
	"capacityhub/internal/web/site"
)

// The profile in one place: what the forms and the API take (profileRequest), what the forms
// show (profileFields) and the user's current values (profileOf). To add a profile field, add it
// to auth.Profile, then here to profileRequest (the compiler asks for it: see profile), to
// profileOf and to profileFields; and to userJSON when the API should show it.

// profileRequest is the profile part of the registration form and API body, and the whole
// profile form of the account page (which has no country: it is set at registration).
//
// NB: its fields are auth.Profile's, in the same order, so that each converts to the other (Go
// ignores tags in conversions): the mapping exists once, and a field added to auth.Profile alone
// does not compile.
type profileRequest struct {
	Name             string `json:"name" form:"name"`
	Country          string `json:"country" form:"country"`
	Organization     string `json:"organization" form:"organization"`
	OrganizationType string `json:"organization_type" form:"organization_type"`
	Language         string `json:"language" form:"language"`
}

// profile is the request as the service takes it.
func (r profileRequest) profile() auth.Profile { return auth.Profile(r) }

// profileOf is u's profile as it stands, to fill in the account page's form.
func profileOf(u *auth.User) auth.Profile {
	return auth.Profile{Name: u.Name, Country: u.Country, Organization: u.Organization,
		OrganizationType: u.OrganizationType, Language: u.Language}
}

// profileFields are the form fields of a profile, filled in from p, each with its error from
// errs: on the registration form (withCountry) and on the account page, where the country is
// shown but not changed.
func (h *Handler) profileFields(loc *i18n.Localizer, p auth.Profile, errs validate.Errors, withCountry bool) []site.Field {
	orgTypes := make([]site.Option, len(auth.OrganizationTypes))
	for i, t := range auth.OrganizationTypes {
		orgTypes[i] = site.Option{Value: t, Label: loc.T("auth.org_type." + t)}
	}
	fields := []site.Field{{Name: "name", Label: loc.T("auth.field.name"), Type: "text", Value: p.Name, Autocomplete: "name",
		Required: true, MaxLength: 100, Error: site.FieldError(loc, errs, "name")}}
	if withCountry {
		fields = append(fields, site.Field{Name: "country", Label: loc.T("auth.field.country"), Type: "select",
			Value: strings.ToUpper(p.Country), Autocomplete: "country", Required: true, Options: h.countryOptions[loc.Tag],
			Blank: loc.T("form.choose"), Error: site.FieldError(loc, errs, "country")})
	}
	return append(fields,
		site.Field{Name: "organization", Label: site.Optional(loc, loc.T("auth.field.organization")), Type: "text",
			Value: p.Organization, Autocomplete: "organization", MaxLength: 200, Error: site.FieldError(loc, errs, "organization")},
		site.Field{Name: "organization_type", Label: site.Optional(loc, loc.T("auth.field.organization_type")), Type: "select",
			Value: p.OrganizationType, Options: orgTypes, Blank: loc.T("form.choose"), Error: site.FieldError(loc, errs, "organization_type")},
		site.Field{Name: "language", Label: loc.T("auth.field.language"), Type: "select", Value: p.Language, Required: true,
			Options: site.LanguageOptions(), Blank: loc.T("form.choose"), Error: site.FieldError(loc, errs, "language")},
	)
}
