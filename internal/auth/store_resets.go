package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"capacityhub/internal/db"
)

// insertReset stores a password-reset link by its token's hash h.
func (s *store) insertReset(ctx context.Context, h, userID string, created, expires time.Time) error {
	_, err := s.db.W.ExecContext(ctx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4)`, h, userID, db.FormatTime(created), db.FormatTime(expires))
	return err
}

// resetUser is the enabled user a reset link (by its token's hash h) is for, when it is unused
// and unexpired at now: their id, address and name. Any other link is ErrResetTokenNotUse.
func (s *store) resetUser(ctx context.Context, h string, now time.Time) (id, email, name string, err error) {
	err = s.db.R.QueryRowContext(ctx, `SELECT u.id, u.email, u.name FROM password_resets r JOIN users u ON u.id = r.user_id
		WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2 AND u.disabled = 0`, h, db.FormatTime(now)).Scan(&id, &email, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", "", ErrResetTokenNotUse
	}
	return id, email, name, err
}

// resetPassword spends the reset link (by its token's hash h) and sets the user's new password
// hash, ending every session and token of the user, in one transaction: the link is spent only
// if the password changes. A link spent already, even by a request racing this one, is
// ErrResetTokenNotUse.
func (s *store) resetPassword(ctx context.Context, h, userID, hash string, now time.Time) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
			db.FormatTime(now), h)
		if err := affectedOne(res, err); err != nil {
			if errors.Is(err, ErrNotFound) {
				return ErrResetTokenNotUse
			}
			return err
		}
		return setPasswordTx(ctx, tx, userID, hash, true)
	})
}
