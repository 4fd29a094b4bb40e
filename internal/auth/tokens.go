package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Token lifetimes. A refresh token lasts RefreshTokenTTL from its issue, and no token of a family
// outlives RefreshFamilyMaxAge from the sign-in that began it: then the user signs in again.
const (
	AccessTokenTTL      = 15 * time.Minute
	RefreshTokenTTL     = 30 * 24 * time.Hour
	RefreshFamilyMaxAge = 90 * 24 * time.Hour
	accessTokenType     = "at+jwt" // RFC 9068's media type, in the JWT header's typ
)

// jwtAlgorithm is the only algorithm accepted: a token naming any other (none, RS256 with the
// HMAC key as public key…) is refused before its signature is looked at.
var jwtAlgorithm = jwt.SigningMethodHS256

// TokenPair is what a client gets at sign-in and at every refresh.
type TokenPair struct {
	AccessToken  string
	RefreshToken string
	ExpiresIn    int // seconds until the access token expires
}

// AccessClaims are the claims of an access token.
type AccessClaims struct {
	Epoch int `json:"epoch"` // the user's epoch at issue: a later bump revokes the token
	// Family is the refresh-token family, that is the sign-in, the token belongs to: sign-out and
	// a reused refresh token revoke every access token of the family at once.
	Family string `json:"sid,omitempty"`
	jwt.RegisteredClaims
}

// Revocation. The database is the record: ending a sign-in (sign-out, a reused refresh token)
// revokes its refresh-token family there, and an access token of a family with a revoked token
// is refused. The kv store caches the answer per family (familyKey), so that a request costs one
// kv read, not a query: "revoked" for as long as an access token can live, "live" for a minute.
// So a restart of this process (in-process store) or of Redis (empty) loses nothing: the next
// request asks the database again.
const (
	familyRevoked   = "revoked"
	familyLive      = "live"
	familyLiveCache = time.Minute
	familyDeadCache = AccessTokenTTL + 2*time.Minute
)

func familyKey(family string) string { return "family:" + family }

// revokeFamilyAccess tells every node at once that a family's access tokens are revoked; call it
// once the revocation is committed to the database. NB: Set, not SetNX, so that it overwrites a
// "live" entry; a node that read the database just before the commit writes "live" with SetNX,
// which then fails.
func (s *Service) revokeFamilyAccess(ctx context.Context, family string) error {
	return s.kv.Set(ctx, familyKey(family), []byte(familyRevoked), familyDeadCache)
}

// familyRevoked tells whether a family's access tokens are revoked: from the kv cache, else from
// the database, whose answer it caches.
func (s *Service) familyRevoked(ctx context.Context, family string) (bool, error) {
	v, err := s.kv.Get(ctx, familyKey(family))
	if err == nil {
		return string(v) != familyLive, nil
	}
	if !isNotFound(err) {
		return false, err // NB: fail closed: the caller refuses the token
	}
	revoked, err := s.store.familyRevoked(ctx, family)
	if err != nil {
		return false, err
	}
	if revoked {
		err = s.revokeFamilyAccess(ctx, family)
	} else {
		_, err = s.kv.SetNX(ctx, familyKey(family), []byte(familyLive), familyLiveCache)
	}
	if err != nil {
		s.log.Warn("token revocation not cached", "err", err)
	}
	return revoked, nil
}

// randomToken returns n random bytes, base64url-encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // NB: never fails since Go 1.24
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is how opaque tokens are stored: a database dump yields no usable token.
func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

func (s *Service) issueAccess(u *User, family string, now time.Time) (string, error) {
	claims := AccessClaims{Epoch: u.Epoch, Family: family, RegisteredClaims: jwt.RegisteredClaims{
		Issuer:    s.issuer,
		Audience:  jwt.ClaimStrings{s.audience},
		Subject:   u.ID,
		ID:        randomToken(16),
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(AccessTokenTTL)),
	}}
	t := jwt.NewWithClaims(jwtAlgorithm, claims)
	t.Header["typ"] = accessTokenType
	return t.SignedString(s.jwtKey)
}

// ParseAccessToken checks an access token's signature, algorithm, type, issuer, audience and
// times, and that it has not been revoked by sign-out. It does not load the user: see
// UserForToken.
func (s *Service) ParseAccessToken(ctx context.Context, raw string) (*AccessClaims, error) {
	var claims AccessClaims
	tok, err := jwt.ParseWithClaims(raw, &claims, func(t *jwt.Token) (any, error) {
		if typ, _ := t.Header["typ"].(string); typ != accessTokenType {
			return nil, errors.New("wrong token type")
		}
		return s.jwtKey, nil
	},
		jwt.WithValidMethods([]string{jwtAlgorithm.Alg()}),
		jwt.WithIssuer(s.issuer),
		jwt.WithAudience(s.audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(30*time.Second),
		jwt.WithTimeFunc(s.now),
	)
	if err != nil || !tok.Valid || claims.Subject == "" || claims.ID == "" {
		return nil, ErrInvalidToken
	}
	// NB: a token without a family is from before tokens carried one; none is still valid.
	if claims.Family == "" {
		return nil, ErrInvalidToken
	}
	// NB: a store failure here must not let a revoked token through: fail closed.
	if revoked, err := s.familyRevoked(ctx, claims.Family); err != nil {
		return nil, err
	} else if revoked {
		return nil, ErrInvalidToken
	}
	return &claims, nil
}

// UserForToken returns the user an access token speaks for, as long as the account is enabled and
// nothing (password or role change, disabling) has revoked its tokens since it was issued.
func (s *Service) UserForToken(ctx context.Context, claims *AccessClaims) (*User, error) {
	u, err := s.User(ctx, claims.Subject)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled || u.Epoch != claims.Epoch {
		return nil, ErrInvalidToken
	}
	return u, nil
}

// IssueTokens starts a new refresh-token family for u and returns its first pair.
func (s *Service) IssueTokens(ctx context.Context, u *User) (TokenPair, error) {
	pair, rt, err := s.newPair(u, randomToken(16), s.now())
	if err != nil {
		return TokenPair{}, err
	}
	if err := s.store.insertRefreshToken(ctx, rt); err != nil {
		return TokenPair{}, err
	}
	return pair, nil
}

// newPair issues a pair for u in a family begun at familyStart, and returns it with the refresh
// token's row, for the caller to store. No refresh token outlives its family's maximum age.
func (s *Service) newPair(u *User, family string, familyStart time.Time) (TokenPair, refreshToken, error) {
	now := s.now()
	access, err := s.issueAccess(u, family, now)
	if err != nil {
		return TokenPair{}, refreshToken{}, err
	}
	refresh := randomToken(32)
	expires := now.Add(RefreshTokenTTL)
	if end := familyStart.Add(RefreshFamilyMaxAge); end.Before(expires) {
		expires = end
	}
	rt := refreshToken{hash: hashToken(refresh), family: family, userID: u.ID, created: now, expires: expires, familyStart: familyStart}
	return TokenPair{AccessToken: access, RefreshToken: refresh, ExpiresIn: int(AccessTokenTTL.Seconds())}, rt, nil
}

// Refresh exchanges a refresh token for a new pair; the old token stops working. A token that was
// already exchanged means it leaked (or a client raced itself): the whole family is revoked, so
// the thief's copy dies with the owner's, and ErrTokenReused is returned. Two exchanges of one
// token at the same moment count as a reuse too, on both engines.
func (s *Service) Refresh(ctx context.Context, refresh string) (TokenPair, error) {
	var pair TokenPair
	var reused bool
	var old refreshToken
	now := s.now()
	err := s.store.inTx(ctx, func(t storeTx) error {
		var err error
		// NB: the row lock (PostgreSQL) orders this exchange with a sign-out of the same sign-in:
		// see Logout.
		if old, err = t.lockRefreshToken(ctx, hashToken(refresh)); err != nil {
			return err
		}
		if old.revoked || !old.expires.After(now) {
			return ErrInvalidToken
		}
		revokeFamily := func() error {
			reused = true
			return t.revokeFamily(ctx, old.family, now) // nil: commit the revocation
		}
		if old.used {
			return revokeFamily()
		}
		if first, err := t.markRefreshUsed(ctx, old.hash, now); err != nil {
			return err
		} else if !first {
			return revokeFamily() // a concurrent exchange of the same token won
		}
		u, err := t.userWithoutRoles(ctx, old.userID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return ErrInvalidToken
		}
		var next refreshToken
		if pair, next, err = s.newPair(u, old.family, old.familyStart); err != nil {
			return err
		}
		return t.insertRefreshToken(ctx, next)
	})
	if err != nil {
		return TokenPair{}, err
	}
	if reused {
		// The family's refresh tokens are revoked (committed above); its access tokens go too, so
		// that whoever holds a stolen one loses it now rather than within 15 minutes.
		s.audit(ctx, Event{Action: "auth.refresh_reused", Target: old.userID,
			Detail: "refresh token reused: every token of that sign-in revoked"})
		if err := s.revokeFamilyAccess(ctx, old.family); err != nil {
			return TokenPair{}, err
		}
		return TokenPair{}, ErrTokenReused
	}
	return pair, nil
}

// Logout ends the sign-in an access token belongs to: its access tokens (until they would have
// expired anyway) and its refresh-token family. A refresh token given as well has its family
// revoked too, if it is the caller's.
func (s *Service) Logout(ctx context.Context, claims *AccessClaims, refresh string) error {
	var families []string
	owner := ""
	if claims != nil {
		owner, families = claims.Subject, append(families, claims.Family)
	}
	now := s.now()
	err := s.store.inTx(ctx, func(t storeTx) error {
		if refresh != "" {
			// Only the caller's own tokens (owner): a stranger's refresh token is not theirs to
			// revoke. An unknown one revokes nothing.
			switch f, err := t.refreshFamily(ctx, hashToken(refresh), owner); {
			case err == nil:
				families = append(families, f)
			case !errors.Is(err, ErrInvalidToken):
				return err
			}
		}
		for _, f := range families {
			// NB: on PostgreSQL a refresh of this sign-in may be running now. Locking the family's
			// rows first orders the two: either the refresh finishes first, and the revocation
			// (a new statement, which sees what the refresh committed) revokes the token it
			// issued, or the refresh waits, then finds its token revoked.
			if err := t.lockFamily(ctx, f); err != nil {
				return fmt.Errorf("auth: lock refresh family: %w", err)
			}
			if err := t.revokeFamily(ctx, f, now); err != nil {
				return fmt.Errorf("auth: revoke refresh family: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, f := range families {
		if err := s.revokeFamilyAccess(ctx, f); err != nil {
			return err
		}
	}
	return nil
}
