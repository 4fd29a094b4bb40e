package auth

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"capacityhub/internal/fault"
)

// A browser's sign-in to an account with two-step verification is held between its two steps:
// the password was right, the code is yet to come. It lives in the key-value store under the hash
// of a random token, which the browser holds in a cookie, for PendingSignInTTL and
// maxPendingTries codes at most; only then does a session begin.
const (
	PendingSignInTTL = 5 * time.Minute
	maxPendingTries  = 5
)

// ErrPendingSignInExpired is a second step whose first is unknown, too old or spent: the reader
// signs in again from the start. Like a used reset link, it is a request that cannot work as sent
// (400).
var ErrPendingSignInExpired = fault.New(fault.Invalid, "auth.error.pending_expired", "auth: pending sign-in expired")

type pendingSignIn struct {
	UserID string `json:"u"`
	Epoch  int    `json:"e"`
}

func pendingKey(token string) string { return "signin-pending:" + hashToken(token) }

func pendingTriesKey(token string) string { return "signin-pending-tries:" + hashToken(token) }

// StartPendingSignIn holds the first step of u's sign-in, whose password was right, and returns
// the token (256 random bits) the browser keeps for the second.
func (s *Service) StartPendingSignIn(ctx context.Context, u *User) (string, error) {
	token := randomToken(32)
	b, _ := json.Marshal(pendingSignIn{UserID: u.ID, Epoch: u.Epoch})
	if err := s.kv.Set(ctx, pendingKey(token), b, PendingSignInTTL); err != nil {
		return "", err
	}
	return token, nil
}

// CompletePendingSignIn is the second step: with a right code (SecondFactor), the pending sign-in
// ends and its user is returned, for the caller to start a session. A wrong code is
// ErrMFARequired and may be tried again, up to maxPendingTries in all; an unknown, expired or
// spent pending sign-in, or one whose account changed since (password, roles, disabled), is
// ErrPendingSignInExpired.
func (s *Service) CompletePendingSignIn(ctx context.Context, token, code string) (*User, error) {
	if token == "" {
		return nil, ErrPendingSignInExpired
	}
	b, err := s.kv.Get(ctx, pendingKey(token))
	if isNotFound(err) {
		return nil, ErrPendingSignInExpired
	}
	if err != nil {
		return nil, err
	}
	var p pendingSignIn
	if json.Unmarshal(b, &p) != nil {
		return nil, ErrPendingSignInExpired
	}
	if err := s.countPendingTry(ctx, token); err != nil {
		return nil, err
	}
	u, err := s.User(ctx, p.UserID)
	if errors.Is(err, ErrNotFound) || (err == nil && (u.Disabled || u.Epoch != p.Epoch)) {
		s.endPendingSignIn(ctx, token)
		return nil, ErrPendingSignInExpired
	}
	if err != nil {
		return nil, err
	}
	if err := s.SecondFactor(ctx, u, code); err != nil {
		return nil, err
	}
	// NB: Take makes the pending sign-in single-use even when two right codes race.
	if _, err := s.kv.Take(ctx, pendingKey(token)); isNotFound(err) {
		return nil, ErrPendingSignInExpired
	} else if err != nil {
		return nil, err
	}
	_ = s.kv.Delete(ctx, pendingTriesKey(token))
	return u, nil
}

// countPendingTry counts a code sent for a pending sign-in; past maxPendingTries the pending
// sign-in ends.
func (s *Service) countPendingTry(ctx context.Context, token string) error {
	key := pendingTriesKey(token)
	if _, err := s.kv.SetNX(ctx, key, []byte("0"), PendingSignInTTL); err != nil {
		return err
	}
	n, err := s.kv.Incr(ctx, key)
	if err != nil {
		return err
	}
	if n > maxPendingTries {
		s.endPendingSignIn(ctx, token)
		return ErrPendingSignInExpired
	}
	return nil
}

// endPendingSignIn forgets a pending sign-in that can no longer complete.
func (s *Service) endPendingSignIn(ctx context.Context, token string) {
	if err := s.kv.Delete(ctx, pendingKey(token), pendingTriesKey(token)); err != nil {
		s.log.Warn("pending sign-in not deleted", "err", err)
	}
}
