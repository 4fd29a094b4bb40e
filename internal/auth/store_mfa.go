package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"capacityhub/internal/db"
)

// mfaRow is a user's row of user_mfa: the sealed TOTP key, when it was confirmed (zero while
// pending) and the last time step a code was accepted for.
type mfaRow struct {
	sealed   string
	enabled  time.Time
	lastStep int64
}

func (r mfaRow) on() bool { return !r.enabled.IsZero() }

// mfa reads the user's two-step verification row; ErrNotFound when there is none.
func (s *store) mfa(ctx context.Context, userID string) (mfaRow, error) {
	var r mfaRow
	var enabled sql.NullString
	err := s.db.R.QueryRowContext(ctx, "SELECT secret, enabled_at, last_step FROM user_mfa WHERE user_id = $1", userID).
		Scan(&r.sealed, &enabled, &r.lastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return mfaRow{}, ErrNotFound
	}
	if err != nil {
		return mfaRow{}, err
	}
	if enabled.Valid {
		if r.enabled, err = db.ParseTime(enabled.String); err != nil {
			return mfaRow{}, err
		}
	}
	return r, nil
}

// putPendingMFA stores a new pending key, replacing a pending one; ErrMFAOn when two-step
// verification is on (its key is then left alone).
func (s *store) putPendingMFA(ctx context.Context, userID, sealed string, now time.Time) error {
	res, err := s.db.W.ExecContext(ctx, `INSERT INTO user_mfa (user_id, secret, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at, last_step = 0
		WHERE user_mfa.enabled_at IS NULL`, userID, sealed, db.FormatTime(now))
	if err := affectedOne(res, err); errors.Is(err, ErrNotFound) {
		return ErrMFAOn
	} else if err != nil {
		return err
	}
	return nil
}

// enableMFA confirms the pending key at time step step and stores the recovery codes' hashes, in
// one transaction. NB: the conditions make a racing confirmation, or a step already used, change
// nothing: ErrMFANotStarted.
func (s *store) enableMFA(ctx context.Context, userID string, step int64, hashes []string, now time.Time) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE user_mfa SET enabled_at = $1, last_step = $2
			WHERE user_id = $3 AND enabled_at IS NULL AND last_step < $2`, db.FormatTime(now), step, userID)
		if err := affectedOne(res, err); errors.Is(err, ErrNotFound) {
			return ErrMFANotStarted
		} else if err != nil {
			return err
		}
		return insertRecoveryCodes(ctx, tx, userID, hashes)
	})
}

// replaceRecoveryCodes deletes every recovery code of the user and stores new ones.
func (s *store) replaceRecoveryCodes(ctx context.Context, userID string, hashes []string) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error { return insertRecoveryCodes(ctx, tx, userID, hashes) })
}

func insertRecoveryCodes(ctx context.Context, tx *sql.Tx, userID string, hashes []string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM mfa_recovery_codes WHERE user_id = $1", userID); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := tx.ExecContext(ctx, "INSERT INTO mfa_recovery_codes (user_id, code_hash) VALUES ($1, $2)", userID, h); err != nil {
			return err
		}
	}
	return nil
}

// acceptStep records that a code of time step step was accepted, and tells whether this call did:
// false when that step, or a later one, was accepted already (a replay, or a racing request).
func (s *store) acceptStep(ctx context.Context, userID string, step int64) (bool, error) {
	res, err := s.db.W.ExecContext(ctx, `UPDATE user_mfa SET last_step = $1
		WHERE user_id = $2 AND last_step < $1 AND enabled_at IS NOT NULL`, step, userID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// useRecoveryCode spends the user's unused recovery code whose hash is h, and tells whether there
// was one: of two racing uses of a code, one wins.
func (s *store) useRecoveryCode(ctx context.Context, userID, h string, now time.Time) (bool, error) {
	res, err := s.db.W.ExecContext(ctx, `UPDATE mfa_recovery_codes SET used_at = $1
		WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL`, db.FormatTime(now), userID, h)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// recoveryLeft counts the user's unused recovery codes.
func (s *store) recoveryLeft(ctx context.Context, userID string) (int, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL", userID).Scan(&n)
	return n, err
}

// deleteMFA turns two-step verification off: the key and the recovery codes go. endSessions also
// ends every session and token of the user (an operator's reset: whoever holds them now may not
// be the owner).
func (s *store) deleteMFA(ctx context.Context, userID string, endSessions bool) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM mfa_recovery_codes WHERE user_id = $1", userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM user_mfa WHERE user_id = $1", userID); err != nil {
			return err
		}
		if !endSessions {
			return nil
		}
		res, err := tx.ExecContext(ctx, "UPDATE users SET epoch = epoch + 1, updated_at = $1 WHERE id = $2", db.FormatTime(time.Now()), userID)
		if err := affectedOne(res, err); err != nil {
			return err
		}
		return revokeUserTokens(ctx, tx, userID)
	})
}
