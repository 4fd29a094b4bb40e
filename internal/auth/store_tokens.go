package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"capacityhub/internal/db"
)

// refreshToken is a refresh token's row. The token itself is never stored, only its hash.
type refreshToken struct {
	hash        string // hashToken of the token
	family      string // every token rotated from one sign-in shares it
	userID      string
	created     time.Time
	expires     time.Time
	familyStart time.Time // when the sign-in that began the family happened
	used        bool      // exchanged already: using it again is a reuse
	revoked     bool
}

// insertRefreshToken stores a newly issued refresh token.
func (s *store) insertRefreshToken(ctx context.Context, rt refreshToken) error {
	return insertRefreshToken(ctx, s.db.W, rt)
}

// insertRefreshToken stores a newly issued refresh token within the transaction.
func (t storeTx) insertRefreshToken(ctx context.Context, rt refreshToken) error {
	return insertRefreshToken(ctx, t.tx, rt)
}

func insertRefreshToken(ctx context.Context, ex execer, rt refreshToken) error {
	_, err := ex.ExecContext(ctx, `INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at, family_started_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, rt.hash, rt.family, rt.userID,
		db.FormatTime(rt.created), db.FormatTime(rt.expires), db.FormatTime(rt.familyStart))
	return err
}

// lockRefreshToken reads the refresh token whose hash is h and, on PostgreSQL, locks its row
// until the transaction ends. An unknown token is ErrInvalidToken. A token stored before tokens
// remembered their family's start counts from its own creation.
func (t storeTx) lockRefreshToken(ctx context.Context, h string) (refreshToken, error) {
	rt := refreshToken{hash: h}
	var used, revoked, started sql.NullString
	var expires, created string
	err := t.tx.QueryRowContext(ctx, `SELECT family_id, user_id, used_at, revoked_at, expires_at, created_at, family_started_at
		FROM refresh_tokens WHERE token_hash = $1`+t.forUpdate, h).Scan(&rt.family, &rt.userID, &used, &revoked, &expires, &created, &started)
	if errors.Is(err, sql.ErrNoRows) {
		return refreshToken{}, ErrInvalidToken
	}
	if err != nil {
		return refreshToken{}, err
	}
	rt.used, rt.revoked = used.Valid, revoked.Valid
	if !started.Valid {
		started.String = created
	}
	if rt.created, err = db.ParseTime(created); err != nil {
		return refreshToken{}, err
	}
	if rt.expires, err = db.ParseTime(expires); err != nil {
		return refreshToken{}, err
	}
	if rt.familyStart, err = db.ParseTime(started.String); err != nil {
		return refreshToken{}, err
	}
	return rt, nil
}

// markRefreshUsed marks the refresh token whose hash is h as exchanged, and tells whether this
// call did: false when another exchange marked it first.
// NB: the condition on used_at makes two concurrent exchanges of one token race safely: only one
// of them updates a row, and the other (which may have read used_at before the winner wrote it,
// as PostgreSQL's read committed allows) learns of it here.
func (t storeTx) markRefreshUsed(ctx context.Context, h string, now time.Time) (bool, error) {
	res, err := t.tx.ExecContext(ctx, "UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL", db.FormatTime(now), h)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// refreshFamily is the family of the refresh token whose hash is h and, when owner is not "",
// that belongs to owner; ErrInvalidToken when there is none.
func (t storeTx) refreshFamily(ctx context.Context, h, owner string) (string, error) {
	q, args := "SELECT family_id FROM refresh_tokens WHERE token_hash = $1", []any{h}
	if owner != "" {
		q, args = q+" AND user_id = $2", append(args, owner)
	}
	var family string
	err := t.tx.QueryRowContext(ctx, q, args...).Scan(&family)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrInvalidToken
	}
	return family, err
}

// lockFamily locks every refresh token of a family, on PostgreSQL, until the transaction ends.
func (t storeTx) lockFamily(ctx context.Context, family string) error {
	rows, err := t.tx.QueryContext(ctx, "SELECT token_hash FROM refresh_tokens WHERE family_id = $1"+t.forUpdate, family)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() { // NB: every row read, so that every row is locked
	}
	return rows.Err()
}

// revokeFamily revokes every refresh token of a family not revoked yet.
func (t storeTx) revokeFamily(ctx context.Context, family string, now time.Time) error {
	_, err := t.tx.ExecContext(ctx, "UPDATE refresh_tokens SET revoked_at = $1 WHERE family_id = $2 AND revoked_at IS NULL",
		db.FormatTime(now), family)
	return err
}

// revokeUserTokens revokes every refresh token of a user not revoked yet.
func revokeUserTokens(ctx context.Context, tx *sql.Tx, userID string) error {
	_, err := tx.ExecContext(ctx, "UPDATE refresh_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
		db.FormatTime(time.Now()), userID)
	return err
}

// familyRevoked tells whether any refresh token of a family is revoked, which is how sign-out and
// a reused refresh token end a sign-in. A family with no token left at all counts as revoked.
func (s *store) familyRevoked(ctx context.Context, family string) (bool, error) {
	var live, revoked int
	err := s.db.R.QueryRowContext(ctx, `SELECT
		COUNT(CASE WHEN revoked_at IS NULL THEN 1 END), COUNT(CASE WHEN revoked_at IS NOT NULL THEN 1 END)
		FROM refresh_tokens WHERE family_id = $1`, family).Scan(&live, &revoked)
	if err != nil {
		return false, err
	}
	return revoked > 0 || live == 0, nil
}
