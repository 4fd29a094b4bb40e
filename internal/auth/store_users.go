package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"capacityhub/internal/db"
	"capacityhub/internal/paging"
)

// NB: mfa_on is read with the user, not in a query of its own, since every signed-in request
// loads its user and the staff guards ask it.
const userColumns = `id, email, name, country, organization, organization_type, language,
	reputation, disabled, epoch, created_at, password_hash,
	EXISTS (SELECT 1 FROM user_mfa WHERE user_mfa.user_id = users.id AND user_mfa.enabled_at IS NOT NULL) AS mfa_on`

// scanUser reads a row of userColumns. Roles are loaded separately.
func scanUser(row interface{ Scan(...any) error }) (*User, string, error) {
	var u User
	var created, hash string
	var disabled int
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Country, &u.Organization, &u.OrganizationType,
		&u.Language, &u.Reputation, &disabled, &u.Epoch, &created, &hash, &u.MFA)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", ErrNotFound
	}
	if err != nil {
		return nil, "", err
	}
	u.Disabled = disabled != 0
	u.CreatedAt, _ = db.ParseTime(created)
	return &u, hash, nil
}

// userBy loads one user with roles, and the password hash, by a unique column; column is a
// constant of this package ("id" or "email"), never input.
// Every signed-in request asks it, so it is one query: a row per role (one with a NULL role for
// a learner who holds none).
func (s *store) userBy(ctx context.Context, column, value string) (*User, string, error) {
	rows, err := s.db.Reader().QueryContext(ctx, "SELECT "+userColumns+`, user_roles.role FROM users
		LEFT JOIN user_roles ON user_roles.user_id = users.id WHERE users.`+column+" = $1 ORDER BY user_roles.role", value)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var u *User
	var hash string
	for rows.Next() {
		var role sql.NullString
		row, h, err := scanUser(rowWith{rows, &role})
		if err != nil {
			return nil, "", err
		}
		if u == nil {
			u, hash = row, h
			u.Roles = []Role{RoleLearner}
		}
		if r := Role(role.String); role.Valid && r != RoleLearner {
			u.Roles = append(u.Roles, r)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	if u == nil {
		return nil, "", ErrNotFound
	}
	return u, hash, nil
}

// rowWith scans a row of userColumns followed by one more column, into extra.
type rowWith struct {
	rows  *sql.Rows
	extra any
}

func (r rowWith) Scan(dest ...any) error { return r.rows.Scan(append(dest, r.extra)...) }

// userWithoutRoles loads a user inside the transaction, without roles: enough to issue a token
// (id, epoch) and to tell whether the account is disabled.
func (t storeTx) userWithoutRoles(ctx context.Context, id string) (*User, error) {
	u, _, err := scanUser(t.tx.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = $1", id))
	return u, err
}

// insertUser stores a new user with its roles in one transaction; a taken address is
// ErrEmailTaken.
func (s *store) insertUser(ctx context.Context, u *User, hash string) error {
	now := db.FormatTime(u.CreatedAt)
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, name, password_hash, country,
			organization, organization_type, language, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
			u.ID, u.Email, u.Name, hash, u.Country, u.Organization, u.OrganizationType, u.Language, now)
		if db.IsUniqueViolation(err) {
			return ErrEmailTaken
		}
		if err != nil {
			return err
		}
		return insertRoles(ctx, tx, u.ID, u.Roles)
	})
}

func insertRoles(ctx context.Context, tx *sql.Tx, userID string, roles []Role) error {
	for _, r := range roles {
		if r == RoleLearner {
			continue // implied
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO user_roles (user_id, role) VALUES ($1, $2)", userID, string(r)); err != nil {
			return err
		}
	}
	return nil
}

// updateProfile changes what a user may change about themselves.
func (s *store) updateProfile(ctx context.Context, id, name, organization, organizationType, language string) error {
	res, err := s.db.W.ExecContext(ctx, `UPDATE users SET name = $1, organization = $2,
		organization_type = $3, language = $4, updated_at = $5 WHERE id = $6`,
		name, organization, organizationType, language, db.FormatTime(time.Now()), id)
	return affectedOne(res, err)
}

// setPassword stores a new hash and, when endSessions, bumps the epoch and revokes every refresh
// token and every outstanding reset link, which ends every session and token of the user.
func (s *store) setPassword(ctx context.Context, id, hash string, endSessions bool) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error { return setPasswordTx(ctx, tx, id, hash, endSessions) })
}

func setPasswordTx(ctx context.Context, tx *sql.Tx, id, hash string, endSessions bool) error {
	bump := 0
	if endSessions {
		bump = 1
	}
	now := db.FormatTime(time.Now())
	res, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = $1, epoch = epoch + $2, updated_at = $3 WHERE id = $4",
		hash, bump, now, id)
	if err := affectedOne(res, err); err != nil {
		return err
	}
	if !endSessions {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL", now, id); err != nil {
		return err
	}
	return revokeUserTokens(ctx, tx, id)
}

// setRoles replaces the user's roles and ends their sessions (a role change must not wait for a
// token to expire).
func (s *store) setRoles(ctx context.Context, id string, roles []Role) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE users SET epoch = epoch + 1, updated_at = $1 WHERE id = $2", db.FormatTime(time.Now()), id)
		if err := affectedOne(res, err); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM user_roles WHERE user_id = $1", id); err != nil {
			return err
		}
		if err := insertRoles(ctx, tx, id, roles); err != nil {
			return err
		}
		return revokeUserTokens(ctx, tx, id)
	})
}

// setDisabled disables or re-enables an account; disabling ends every session and token.
func (s *store) setDisabled(ctx context.Context, id string, disabled bool) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		flag := 0
		if disabled {
			flag = 1
		}
		res, err := tx.ExecContext(ctx, "UPDATE users SET disabled = $1, epoch = epoch + 1, updated_at = $2 WHERE id = $3",
			flag, db.FormatTime(time.Now()), id)
		if err := affectedOne(res, err); err != nil {
			return err
		}
		return revokeUserTokens(ctx, tx, id)
	})
}

// userKey is where a user sits in the users list, which is ordered newest first, ties broken by
// id (see listUsers). Its text, the key of a cursor, is "created|id"; the zero key is before the
// newest.
type userKey struct {
	created time.Time
	id      string
}

func userKeyOf(u *User) string { return db.FormatTime(u.CreatedAt) + "|" + u.ID }

// parseUserKey reads what userKeyOf wrote: "" is the zero key, anything else it did not write is
// paging.ErrInvalidCursor.
func parseUserKey(s string) (userKey, error) {
	if s == "" {
		return userKey{}, nil
	}
	created, id, ok := strings.Cut(s, "|")
	if !ok || id == "" {
		return userKey{}, paging.ErrInvalidCursor
	}
	t, err := db.ParseTime(created)
	if err != nil || db.FormatTime(t) != created {
		return userKey{}, paging.ErrInvalidCursor
	}
	return userKey{created: t, id: id}, nil
}

// listUsers finds up to n users after the key after whose e-mail address or name contains query
// (case-insensitive), newest first. Roles come in one more query for all of them, not one per
// user.
func (s *store) listUsers(ctx context.Context, query string, after userKey, n int) ([]*User, error) {
	where, args := []string{"1 = 1"}, []any{}
	if query != "" {
		args = append(args, "%"+escapeLike(strings.ToLower(query))+"%")
		where = append(where, fmt.Sprintf("(LOWER(email) LIKE $%d ESCAPE '\\' OR LOWER(name) LIKE $%d ESCAPE '\\')", len(args), len(args)))
	}
	if after.id != "" {
		args = append(args, db.FormatTime(after.created), after.id)
		where = append(where, fmt.Sprintf("(created_at < $%d OR (created_at = $%d AND id < $%d))", len(args)-1, len(args)-1, len(args)))
	}
	args = append(args, n)
	rows, err := s.db.R.QueryContext(ctx, "SELECT "+userColumns+" FROM users WHERE "+strings.Join(where, " AND ")+
		fmt.Sprintf(" ORDER BY created_at DESC, id DESC LIMIT $%d", len(args)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var users []*User
	byID := map[string]*User{}
	for rows.Next() {
		u, _, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		u.Roles = []Role{RoleLearner}
		users = append(users, u)
		byID[u.ID] = u
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return users, nil
	}
	if err := s.loadRolesOf(ctx, byID); err != nil {
		return nil, err
	}
	return users, nil
}

// loadRolesOf adds their roles to the users of byID, in one query.
func (s *store) loadRolesOf(ctx context.Context, byID map[string]*User) error {
	ph, args := make([]string, 0, len(byID)), make([]any, 0, len(byID))
	for id := range byID {
		args = append(args, id)
		ph = append(ph, fmt.Sprintf("$%d", len(args)))
	}
	rows, err := s.db.R.QueryContext(ctx, "SELECT user_id, role FROM user_roles WHERE user_id IN ("+strings.Join(ph, ", ")+")", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var r Role
		if err := rows.Scan(&id, &r); err != nil {
			return err
		}
		if u := byID[id]; u != nil && r != RoleLearner {
			u.Roles = append(u.Roles, r)
		}
	}
	return rows.Err()
}
