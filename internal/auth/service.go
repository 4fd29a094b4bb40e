package auth

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"capacityhub/internal/config"
	"capacityhub/internal/db"
	"capacityhub/internal/i18n"
	"capacityhub/internal/kv"
	"capacityhub/internal/moderation"
	"capacityhub/internal/notify"
	"capacityhub/internal/paging"
	"capacityhub/internal/validate"
)

// Session lifetimes: a session ends after SessionIdleTimeout without a request, and in any case
// SessionMaxAge after sign-in.
const (
	SessionIdleTimeout = 2 * time.Hour
	SessionMaxAge      = 12 * time.Hour
	// sessionTouchEvery limits how often a busy session's expiry is pushed back (one store write
	// a minute, not one a request).
	sessionTouchEvery = time.Minute
	// ResetTokenTTL is how long a password-reset link works.
	ResetTokenTTL = time.Hour
)

// Field limits. MaxEmailBytes is RFC 5321's limit of a path: no account has a longer address,
// and no more of an address than this reaches a key, a log line or the audit log (BoundEmail).
const (
	maxNameRunes         = 100
	maxOrganizationRunes = 200
	MaxEmailBytes        = 254
)

// Store is what the service needs of the key-value store (sessions, token revocations, the note
// that a flood of sign-ins is audited already, and two-step sign-ins with their wrong codes).
type Store interface {
	Get(ctx context.Context, key string) ([]byte, error)
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)
	Take(ctx context.Context, key string) ([]byte, error)
	Delete(ctx context.Context, keys ...string) error
	Incr(ctx context.Context, key string) (int64, error)
}

// Auditor records security events.
type Auditor interface {
	Record(ctx context.Context, e moderation.AuditEvent) error
}

// Mailer queues e-mail.
type Mailer interface {
	Enqueue(ctx context.Context, m notify.Message) error
}

// Event is an alias so that callers of this package need not import audit for it.
type Event = moderation.AuditEvent

// Service is the accounts service.
type Service struct {
	store     *store
	kv        Store
	sessions  SessionStore
	hasher    *hasher
	auditor   Auditor
	mailer    Mailer
	log       *slog.Logger
	issuer    string
	audience  string
	jwtKey    []byte
	deviceKey []byte
	mfaKey    []byte // seals TOTP keys at rest (AES-256-GCM)
	now       func() time.Time
	users     userCache // the users signed-in requests read (usercache.go)
}

// Config is what New needs.
type Config struct {
	DB *db.DB
	KV Store
	// Sessions keeps browser sessions; KV when nil.
	Sessions SessionStore
	Secret   []byte // SECRET_KEY; keys for each purpose are derived from it
	BaseURL  string // the token issuer; the audience is BaseURL + "/api"
	Auditor  Auditor
	Mailer   Mailer
	Logger   *slog.Logger
}

// New returns the accounts service.
func New(c Config) *Service {
	sessions := c.Sessions
	if sessions == nil {
		sessions = c.KV
	}
	return &Service{sessions: sessions,
		store: &store{db: c.DB}, kv: c.KV, hasher: newHasher(), auditor: c.Auditor, mailer: c.Mailer,
		log: c.Logger, issuer: c.BaseURL, audience: c.BaseURL + "/api",
		jwtKey: config.DeriveKey(c.Secret, "jwt-hs256"), deviceKey: config.DeriveKey(c.Secret, "device-cookie"),
		mfaKey: config.DeriveKey(c.Secret, "mfa-totp-aes256gcm"), now: time.Now,
	}
}

// audit records e; a failure to record is logged, never shown to the user.
func (s *Service) audit(ctx context.Context, e Event) {
	if err := s.auditor.Record(ctx, e); err != nil {
		s.log.Error("audit", "action", e.Action, "err", err)
	}
}

// NormalizeEmail trims and lower-cases an address: one account per address, whatever its case.
func NormalizeEmail(s string) string { return strings.ToLower(norm.NFC.String(strings.TrimSpace(s))) }

// BoundEmail is NormalizeEmail for input that may be of any length: the normalized address, cut
// to MaxEmailBytes on a character boundary, and whether it was longer (then no account has it).
// Use it wherever an address the client sent names a rate-limit key, a log line or an audit
// entry. NB: only about 4*MaxEmailBytes bytes of input are normalized (Unicode composition
// shortens text at most threefold), so that a 1 MB "address" costs no more than a real one.
func BoundEmail(s string) (email string, tooLong bool) {
	s = strings.TrimSpace(s)
	if len(s) > 4*MaxEmailBytes {
		s, tooLong = validate.Truncate(s, 4*MaxEmailBytes), true
	}
	email = NormalizeEmail(s)
	if len(email) > MaxEmailBytes {
		email, tooLong = validate.Truncate(email, MaxEmailBytes), true
	}
	return email, tooLong
}

func checkEmail(errs *validate.Errors, email string) {
	switch {
	case email == "":
		errs.Add("email", "field.required", nil)
	case len(email) > MaxEmailBytes:
		errs.Add("email", "field.too_long", map[string]any{"Max": MaxEmailBytes})
	default:
		a, err := mail.ParseAddress(email)
		at := strings.LastIndexByte(email, '@')
		if err != nil || a.Address != email || at < 1 || !strings.Contains(email[at:], ".") || strings.ContainsAny(email, " <>") {
			errs.Add("email", "auth.email.invalid", nil)
		}
	}
}

// Profile is what a user may change about themselves, and what registration asks beyond the
// address and password.
type Profile struct {
	Name             string
	Country          string
	Organization     string
	OrganizationType string
	Language         string
}

func (p *Profile) normalize() {
	p.Name = strings.TrimSpace(norm.NFC.String(p.Name))
	p.Organization = strings.TrimSpace(norm.NFC.String(p.Organization))
	p.Country = strings.ToUpper(strings.TrimSpace(p.Country))
	p.OrganizationType = strings.TrimSpace(p.OrganizationType)
	p.Language = strings.TrimSpace(p.Language)
}

func (p *Profile) check(errs *validate.Errors, languages []string) {
	validate.Text(errs, "name", p.Name, true, maxNameRunes)
	validate.Text(errs, "organization", p.Organization, false, maxOrganizationRunes)
	if p.Country == "" {
		errs.Add("country", "field.required", nil)
	} else if !ValidCountry(p.Country) {
		errs.Add("country", "auth.country.invalid", nil)
	}
	if p.OrganizationType != "" && !slices.Contains(OrganizationTypes, p.OrganizationType) {
		errs.Add("organization_type", "field.invalid", nil)
	}
	switch {
	case p.Language == "":
		errs.Add("language", "field.required", nil)
	case !slices.Contains(languages, p.Language):
		errs.Add("language", "field.invalid", nil)
	}
}

// Registration is a new account's details.
type Registration struct {
	Email    string
	Password string
	Profile
	Roles []Role // granted at creation; only the command line sets more than learner
}

// Register creates an account. Every invalid field is reported at once (validate.Errors); an
// address already registered is ErrEmailTaken.
func (s *Service) Register(ctx context.Context, r Registration) (*User, error) {
	r.Email = NormalizeEmail(r.Email)
	r.Profile.normalize()
	if r.Language == "" {
		r.Language = "en"
	}
	var errs validate.Errors
	checkEmail(&errs, r.Email)
	checkPassword(&errs, "password", r.Password, r.Email, r.Name)
	r.Profile.check(&errs, i18n.Tags())
	for _, role := range r.Roles {
		if !ValidRole(role) {
			errs.Add("roles", "field.invalid", nil)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	hash, err := s.hasher.hash(ctx, r.Password)
	if err != nil {
		return nil, err
	}
	u := &User{
		ID: db.NewID(), Email: r.Email, Name: r.Name, Country: r.Country, Organization: r.Organization,
		OrganizationType: r.OrganizationType, Language: r.Language, CreatedAt: s.now().UTC().Truncate(time.Microsecond),
		Roles: append([]Role{RoleLearner}, r.Roles...),
	}
	if err := s.store.insertUser(ctx, u, hash); err != nil {
		return nil, err
	}
	s.audit(ctx, Event{ActorID: u.ID, Action: "auth.registered", Target: u.ID})
	return u, nil
}

// User loads a user by id.
func (s *Service) User(ctx context.Context, id string) (*User, error) {
	u, _, err := s.store.userBy(ctx, "id", id)
	return u, err
}

// Authenticate checks an address and password. Unknown addresses, wrong passwords and disabled
// accounts all answer ErrBadCredentials after the same amount of work, and each failure goes into
// the audit log. An address longer than MaxEmailBytes or a password longer than maxPasswordBytes,
// which no account can have, is ErrBadCredentials too, at once: nothing is looked up or hashed
// (its answer depends on the input's length alone, which the sender knows), and the audit entry
// names the address cut to MaxEmailBytes.
func (s *Service) Authenticate(ctx context.Context, email, password string) (*User, error) {
	email, emailTooLong := BoundEmail(email)
	if emailTooLong || len(password) > maxPasswordBytes {
		detail := "password too long"
		if emailTooLong {
			detail = "address too long"
		}
		s.audit(ctx, Event{Action: "auth.signin_failed", Target: email, Detail: detail})
		return nil, ErrBadCredentials
	}
	u, hash, err := s.store.userBy(ctx, "email", email)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if u == nil {
		hash = dummyHash
	}
	ok, rehash, err := s.hasher.verify(ctx, password, hash)
	if err != nil {
		return nil, err
	}
	if u == nil || !ok || u.Disabled {
		detail := "wrong password"
		switch {
		case u == nil:
			detail = "unknown address"
		case u.Disabled && ok:
			detail = "account disabled"
		}
		s.audit(ctx, Event{Action: "auth.signin_failed", Target: email, Detail: detail})
		return nil, ErrBadCredentials
	}
	if rehash {
		if h, err := s.hasher.hash(ctx, password); err == nil {
			_ = s.store.setPassword(ctx, u.ID, h, false)
		}
	}
	if !u.MFA { // NB: with two-step verification on, SecondFactor records the sign-in once the code is right
		s.audit(ctx, Event{ActorID: u.ID, Action: "auth.signed_in", Target: u.ID})
	}
	return u, nil
}

// NoteSignInLimited records in the audit log that the rate limit refused sign-in attempts for
// email, once per window however many attempts follow, so that a flood of guesses cannot flood
// the log. The caller calls it on every refusal of an address's attempts. A failure is logged,
// not returned: the refusal stands either way.
func (s *Service) NoteSignInLimited(ctx context.Context, email string, window time.Duration) {
	email, _ = BoundEmail(email) // NB: the key and the entry hold at most MaxEmailBytes of it
	first, err := s.kv.SetNX(ctx, "audited:signin-limited:"+email, []byte("1"), window)
	if err != nil {
		s.log.Warn("sign-in limit not audited", "err", err)
		return
	}
	if first {
		s.audit(ctx, Event{Action: "auth.signin_limited", Target: email,
			Detail: "sign-in attempts for this address refused by the rate limit"})
	}
}

// UpdateProfile changes the actor's own name, organization and language.
func (s *Service) UpdateProfile(ctx context.Context, actor *User, p Profile) error {
	defer s.users.forget() // NB: after the change is committed (usercache.go)
	p.Country = actor.Country
	p.normalize()
	var errs validate.Errors
	p.check(&errs, i18n.Tags())
	if err := errs.Err(); err != nil {
		return err
	}
	return s.store.updateProfile(ctx, actor.ID, p.Name, p.Organization, p.OrganizationType, p.Language)
}

// ChangePassword sets a new password after checking the current one, and ends every session and
// token of the user (the caller starts a fresh session for the device in hand).
func (s *Service) ChangePassword(ctx context.Context, actor *User, current, next string) error {
	defer s.users.forget() // NB: after the change is committed (usercache.go)
	var errs validate.Errors
	switch {
	case current == "":
		errs.Add("current_password", "field.required", nil)
	case len(current) > maxPasswordBytes: // no password is this long: refused before any hashing
		errs.Add("current_password", "auth.password.too_long", nil)
	}
	checkPassword(&errs, "password", next, actor.Email, actor.Name)
	if err := errs.Err(); err != nil {
		return err
	}
	_, hash, err := s.store.userBy(ctx, "id", actor.ID)
	if err != nil {
		return err
	}
	if ok, _, err := s.hasher.verify(ctx, current, hash); err != nil {
		return err
	} else if !ok {
		s.audit(ctx, Event{ActorID: actor.ID, Action: "auth.password_change_failed", Target: actor.ID})
		return validate.Errors{{Field: "current_password", Key: "auth.password.wrong_current"}}
	}
	newHash, err := s.hasher.hash(ctx, next)
	if err != nil {
		return err
	}
	if err := s.store.setPassword(ctx, actor.ID, newHash, true); err != nil {
		return err
	}
	s.audit(ctx, Event{ActorID: actor.ID, Action: "auth.password_changed", Target: actor.ID})
	return nil
}

// SetRoles gives the user exactly roles (learner is implied). Only admins may, and not to
// themselves: an admin cannot lock the last door behind them by accident.
func (s *Service) SetRoles(ctx context.Context, actor *User, userID string, roles []Role) error {
	defer s.users.forget() // NB: after the change is committed (usercache.go)
	if !actor.Has(RoleAdmin) || actor.ID == userID {
		return ErrForbidden
	}
	for _, r := range roles {
		if !ValidRole(r) {
			return validate.Errors{{Field: "roles", Key: "field.invalid"}}
		}
	}
	slices.Sort(roles)
	roles = slices.Compact(roles)
	if err := s.store.setRoles(ctx, userID, roles); err != nil {
		return err
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	s.audit(ctx, Event{ActorID: actor.ID, Action: "auth.roles_changed", Target: userID, Detail: strings.Join(names, ",")})
	return nil
}

// SetDisabled disables (or re-enables) an account. Only admins may, and not their own.
func (s *Service) SetDisabled(ctx context.Context, actor *User, userID string, disabled bool) error {
	defer s.users.forget() // NB: after the change is committed (usercache.go)
	if !actor.Has(RoleAdmin) || actor.ID == userID {
		return ErrForbidden
	}
	if err := s.store.setDisabled(ctx, userID, disabled); err != nil {
		return err
	}
	action := "auth.account_enabled"
	if disabled {
		action = "auth.account_disabled"
	}
	s.audit(ctx, Event{ActorID: actor.ID, Action: action, Target: userID})
	return nil
}

// ListUsers is a page of the users whose e-mail address or name contains query (ignoring case;
// "" for all), newest first, for an admin (others: ErrForbidden). A cursor no list gave out is
// paging.ErrInvalidCursor; a page.Limit below 1 is paging.DefaultLimit.
func (s *Service) ListUsers(ctx context.Context, actor *User, query string, page paging.Request) (paging.Page[*User], error) {
	if !actor.Has(RoleAdmin) {
		return paging.Page[*User]{}, ErrForbidden
	}
	after, err := parseUserKey(page.After)
	if err != nil {
		return paging.Page[*User]{}, err
	}
	if page.Limit < 1 {
		page.Limit = paging.DefaultLimit
	}
	users, err := s.store.listUsers(ctx, strings.TrimSpace(query), after, page.Limit+1)
	if err != nil {
		return paging.Page[*User]{}, err
	}
	return paging.Cut(users, page, userKeyOf), nil
}

// RequestPasswordReset sends a reset link to the address if it has an account, and does nothing
// visible otherwise: the caller answers the same either way. compose writes the localized
// message for the user from the link's token. An address longer than MaxEmailBytes is a field
// error (validate.Errors), which tells nothing about accounts: none has such an address.
func (s *Service) RequestPasswordReset(ctx context.Context, email string, compose func(u *User, token string) notify.Message) error {
	email, tooLong := BoundEmail(email)
	if tooLong {
		return validate.Errors{{Field: "email", Key: "field.too_long", Args: map[string]any{"Max": MaxEmailBytes}}}
	}
	u, _, err := s.store.userBy(ctx, "email", email)
	if errors.Is(err, ErrNotFound) {
		s.audit(ctx, Event{Action: "auth.reset_requested", Target: email, Detail: "unknown address"})
		return nil
	}
	if err != nil {
		return err
	}
	if u.Disabled {
		s.audit(ctx, Event{Action: "auth.reset_requested", Target: email, Detail: "account disabled"})
		return nil
	}
	token := randomToken(32)
	now := s.now()
	if err := s.store.insertReset(ctx, hashToken(token), u.ID, now, now.Add(ResetTokenTTL)); err != nil {
		return err
	}
	if err := s.mailer.Enqueue(ctx, compose(u, token)); err != nil {
		return err
	}
	s.audit(ctx, Event{Action: "auth.reset_requested", Target: u.ID})
	return nil
}

// ResetPassword sets a new password with a reset token. The token works once, within
// ResetTokenTTL; using it ends every session and token of the user.
func (s *Service) ResetPassword(ctx context.Context, token, password string) error {
	defer s.users.forget() // NB: after the change is committed (usercache.go)
	h := hashToken(token)
	userID, email, name, err := s.store.resetUser(ctx, h, s.now())
	if err != nil {
		return err
	}
	var errs validate.Errors
	checkPassword(&errs, "password", password, email, name)
	if err := errs.Err(); err != nil {
		return err
	}
	hash, err := s.hasher.hash(ctx, password)
	if err != nil {
		return err
	}
	// The link is spent only if the password changes, and only once even when two requests race.
	if err := s.store.resetPassword(ctx, h, userID, hash, s.now()); err != nil {
		return err
	}
	s.audit(ctx, Event{ActorID: userID, Action: "auth.password_reset", Target: userID})
	return nil
}

// session is what the store keeps under a session's key.
type session struct {
	UserID  string    `json:"u"`
	Epoch   int       `json:"e"`
	Created time.Time `json:"c"`
	Seen    time.Time `json:"s"`
}

func sessionKey(token string) string { return "session:" + hashToken(token) }

// StartSession creates a new session for u and returns its token (256 random bits) for the cookie.
// The store keeps only the token's hash.
func (s *Service) StartSession(ctx context.Context, u *User) (string, error) {
	token := randomToken(32)
	now := s.now()
	b, _ := json.Marshal(session{UserID: u.ID, Epoch: u.Epoch, Created: now, Seen: now})
	if err := s.sessions.Set(ctx, sessionKey(token), b, SessionIdleTimeout); err != nil {
		return "", err
	}
	return token, nil
}

// SessionUser returns the user a session token belongs to, pushing back its idle expiry. A
// missing, idle, too old or revoked session is ErrSessionExpired.
func (s *Service) SessionUser(ctx context.Context, token string) (*User, error) {
	if token == "" {
		return nil, ErrSessionExpired
	}
	key := sessionKey(token)
	b, err := s.sessions.Get(ctx, key)
	if isNotFound(err) {
		return nil, ErrSessionExpired
	}
	if err != nil {
		return nil, err
	}
	var sess session
	if json.Unmarshal(b, &sess) != nil {
		return nil, ErrSessionExpired
	}
	now := s.now()
	if now.Sub(sess.Created) >= SessionMaxAge || now.Sub(sess.Seen) >= SessionIdleTimeout {
		_ = s.sessions.Delete(ctx, key)
		return nil, ErrSessionExpired
	}
	u, err := s.cachedUser(ctx, sess.UserID)
	if errors.Is(err, ErrNotFound) { // the account was deleted
		_ = s.sessions.Delete(ctx, key)
		return nil, ErrSessionExpired
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled || u.Epoch != sess.Epoch {
		_ = s.sessions.Delete(ctx, key)
		return nil, ErrSessionExpired
	}
	if now.Sub(sess.Seen) >= sessionTouchEvery {
		sess.Seen = now
		ttl := min(SessionIdleTimeout, sess.Created.Add(SessionMaxAge).Sub(now))
		b, _ := json.Marshal(sess)
		if err := s.sessions.Set(ctx, key, b, ttl); err != nil {
			s.log.Warn("session touch failed", "err", err)
		}
	}
	return u, nil
}

// EndSession signs a session out on the server.
func (s *Service) EndSession(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.sessions.Delete(ctx, sessionKey(token))
}

func isNotFound(err error) bool { return errors.Is(err, kv.ErrNotFound) }
