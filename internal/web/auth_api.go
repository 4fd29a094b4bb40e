package web

import (
	"bytes"
	"encoding/json"
	"mime"
	"reflect"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/validate"
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
		Reputation: u.Reputation, CreatedAt: u.CreatedAt.UTC().Format("2006-01-02T15:04:05Z")}
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

// decodeJSON reads a JSON request body into v: 415 when it is not JSON, 400 when it is not
// well-formed (or not one object).
func decodeJSON(c *fiber.Ctx, v any) error {
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != fiber.MIMEApplicationJSON {
		return fiber.NewError(fiber.StatusUnsupportedMediaType, "Send the body as application/json.")
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	if err := dec.Decode(v); err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "The body is not a well-formed JSON object of the expected shape.")
	}
	if dec.More() {
		return fiber.NewError(fiber.StatusBadRequest, "The body must hold one JSON object.")
	}
	// NB: encoding/json turns bytes that are not UTF-8 into U+FFFD, but lets \u0000 through.
	if field := fieldWithNUL(reflect.ValueOf(v), ""); field != "" {
		return validate.Errors{{Field: field, Key: "field.invalid"}}
	}
	return nil
}

// fieldWithNUL is the JSON path (title.en, courses.2) of the first string in v that holds a NUL
// character, or "" when none does.
func fieldWithNUL(v reflect.Value, path string) string {
	join := func(name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return fieldWithNUL(v.Elem(), path)
		}
	case reflect.String:
		if strings.ContainsRune(v.String(), 0) {
			return path
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if f.Anonymous && f.Tag.Get("json") == "" {
				name = "" // an embedded struct's fields are the outer object's
			}
			p := path
			if name != "" {
				p = join(name)
			}
			if bad := fieldWithNUL(v.Field(i), p); bad != "" {
				return bad
			}
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			if k.Kind() == reflect.String && strings.ContainsRune(k.String(), 0) {
				return join(printable([]byte(k.String())))
			}
			if bad := fieldWithNUL(v.MapIndex(k), join(k.String())); bad != "" {
				return bad
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if bad := fieldWithNUL(v.Index(i), join(strconv.Itoa(i))); bad != "" {
				return bad
			}
		}
	}
	return ""
}

func (h *handler) registerAPI(c *fiber.Ctx) error {
	var in registerRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	h.apiLocalizer(c)
	u, err := h.auth.Register(c.UserContext(), in.registration())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/me")
	return c.Status(fiber.StatusCreated).JSON(toUserJSON(u))
}

func (h *handler) createToken(c *fiber.Ctx) error {
	var in signInRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.limitSignIn(c, in.Email); err != nil {
		return err
	}
	u, err := h.auth.Authenticate(c.UserContext(), in.Email, in.Password)
	if err != nil {
		return err
	}
	pair, err := h.auth.IssueTokens(c.UserContext(), u)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(toTokenJSON(pair))
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

func (h *handler) refreshToken(c *fiber.Ctx) error {
	var in refreshRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.RefreshToken == "" {
		return errRequired("refresh_token")
	}
	pair, err := h.auth.Refresh(c.UserContext(), in.RefreshToken)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(toTokenJSON(pair))
}

// logoutAPI ends the sign-in of the access token that authorizes it (all its access and refresh
// tokens) and, when given, the refresh token's whole family. The body is optional.
func (h *handler) logoutAPI(c *fiber.Ctx) error {
	claims, _ := c.Locals(localClaims).(*auth.AccessClaims)
	if claims == nil {
		return auth.ErrUnauthenticated
	}
	var in refreshRequest
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	if err := h.auth.Logout(c.UserContext(), claims, in.RefreshToken); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *handler) showMe(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	return c.JSON(toUserJSON(u))
}

// errRequired is a 422 naming a missing field.
func errRequired(field string) error {
	return validate.Errors{{Field: field, Key: "field.required"}}
}
