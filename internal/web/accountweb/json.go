package accountweb

import (
	"capacityhub/internal/auth"
	"capacityhub/internal/web/site"
)

// userJSON is a user as the API shows it to themselves.
type userJSON struct {
	ID               string   `json:"id"`
	Email            string   `json:"email"`
	Name             string   `json:"name"`
	Roles            []string `json:"roles"`
	Country          string   `json:"country"`
	Organization     string   `json:"organization"`
	OrganizationType string   `json:"organization_type"`
	Language         string   `json:"language"`
	Reputation       int      `json:"reputation"`
	CreatedAt        string   `json:"created_at"`
}

func toUserJSON(u *auth.User) userJSON {
	roles := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		roles[i] = string(r)
	}
	return userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Roles: roles, Country: u.Country,
		Organization: u.Organization, OrganizationType: u.OrganizationType, Language: u.Language,
		Reputation: u.Reputation, CreatedAt: site.APITime(u.CreatedAt)}
}

// tokenJSON is the answer of /auth/token and /auth/refresh.
type tokenJSON struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

func toTokenJSON(p auth.TokenPair) tokenJSON {
	return tokenJSON{AccessToken: p.AccessToken, RefreshToken: p.RefreshToken, TokenType: "Bearer", ExpiresIn: p.ExpiresIn}
}

// refreshRequest is the body of /auth/refresh and, optionally, of /auth/logout.
type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}
