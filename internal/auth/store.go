package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"capacityhub/internal/db"
)

// store is the SQL of accounts. Every method is one statement or one transaction, and runs on
// SQLite and PostgreSQL alike.
type store struct{ db *db.DB }

const userColumns = `id, email, name, country, organization, organization_type, language,
	reputation, disabled, epoch, created_at, password_hash`

// scanUser reads a row of userColumns. Roles are loaded separately.
func scanUser(row interface{ Scan(...any) error }) (*User, string, error) {
	var u User
	var created, hash string
	var disabled int
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Country, &u.Organization, &u.OrganizationType,
		&u.Language, &u.Reputation, &disabled, &u.Epoch, &created, &hash)
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

func (s *store) loadRoles(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, u *User) error {
	rows, err := q.QueryContext(ctx, "SELECT role FROM user_roles WHERE user_id = $1", u.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	u.Roles = []Role{RoleLearner}
	for rows.Next() {
		var r Role
		if err := rows.Scan(&r); err != nil {
			return err
		}
		if r != RoleLearner {
			u.Roles = append(u.Roles, r)
		}
	}
	return rows.Err()
}

// userBy loads one user with roles by a unique column; column is a constant of this package.
func (s *store) userBy(ctx context.Context, column, value string) (*User, string, error) {
	u, hash, err := scanUser(s.db.R.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE "+column+" = $1", value))
	if err != nil {
		return nil, "", err
	}
	if err := s.loadRoles(ctx, s.db.R, u); err != nil {
		return nil, "", err
	}
	return u, hash, nil
}

// insertUser stores a new user with its roles in one transaction.
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

func revokeUserTokens(ctx context.Context, tx *sql.Tx, userID string) error {
	_, err := tx.ExecContext(ctx, "UPDATE refresh_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
		db.FormatTime(time.Now()), userID)
	return err
}

func affectedOne(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// UserPage is one page of a user listing.
type UserPage struct {
	Users      []*User
	NextCursor string // "" on the last page
}

// listUsers finds users whose e-mail address or name contains query (case-insensitive), newest
// first, limit at a time; cursor is the NextCursor of the previous page. Roles come in one more
// query for the whole page, not one per user.
func (s *store) listUsers(ctx context.Context, query, cursor string, limit int) (UserPage, error) {
	where, args := []string{"1 = 1"}, []any{}
	if query != "" {
		args = append(args, "%"+escapeLike(strings.ToLower(query))+"%")
		where = append(where, fmt.Sprintf("(LOWER(email) LIKE $%d ESCAPE '\\' OR LOWER(name) LIKE $%d ESCAPE '\\')", len(args), len(args)))
	}
	if cursor != "" {
		created, id, ok := strings.Cut(cursor, "|")
		if !ok {
			return UserPage{}, ErrInvalidCursor
		}
		args = append(args, created, id)
		where = append(where, fmt.Sprintf("(created_at < $%d OR (created_at = $%d AND id < $%d))", len(args)-1, len(args)-1, len(args)))
	}
	args = append(args, limit+1)
	rows, err := s.db.R.QueryContext(ctx, "SELECT "+userColumns+" FROM users WHERE "+strings.Join(where, " AND ")+
		fmt.Sprintf(" ORDER BY created_at DESC, id DESC LIMIT $%d", len(args)), args...)
	if err != nil {
		return UserPage{}, err
	}
	defer rows.Close()
	var page UserPage
	byID := map[string]*User{}
	for rows.Next() {
		u, _, err := scanUser(rows)
		if err != nil {
			return UserPage{}, err
		}
		u.Roles = []Role{RoleLearner}
		page.Users = append(page.Users, u)
		byID[u.ID] = u
	}
	if err := rows.Err(); err != nil {
		return UserPage{}, err
	}
	if len(page.Users) > limit {
		last := page.Users[limit-1]
		page.NextCursor = db.FormatTime(last.CreatedAt) + "|" + last.ID
		page.Users = page.Users[:limit]
	}
	if len(page.Users) == 0 {
		return page, nil
	}
	ids := make([]string, len(page.Users))
	ph := make([]string, len(page.Users))
	for i, u := range page.Users {
		ids[i], ph[i] = u.ID, fmt.Sprintf("$%d", i+1)
	}
	idArgs := make([]any, len(ids))
	for i := range ids {
		idArgs[i] = ids[i]
	}
	roleRows, err := s.db.R.QueryContext(ctx, "SELECT user_id, role FROM user_roles WHERE user_id IN ("+strings.Join(ph, ", ")+")", idArgs...)
	if err != nil {
		return UserPage{}, err
	}
	defer roleRows.Close()
	for roleRows.Next() {
		var id string
		var r Role
		if err := roleRows.Scan(&id, &r); err != nil {
			return UserPage{}, err
		}
		if u := byID[id]; u != nil && r != RoleLearner {
			u.Roles = append(u.Roles, r)
		}
	}
	return page, roleRows.Err()
}

// ErrInvalidCursor is a cursor this package did not give out.
var ErrInvalidCursor = errors.New("auth: invalid cursor")

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
