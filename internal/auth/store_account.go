package auth

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"capacityhub/internal/db"
)

// deletedTarget is what an audit entry names instead of the address of an account since deleted.
const deletedTarget = "(deleted account)"

// sessionPattern is the LIKE pattern of the database sessions of a user: their data is the JSON
// of session, whose first member is the user id (encoding/json keeps the struct's order).
func sessionPattern(userID string) string { return `{"u":"` + escapeLike(userID) + `",%` }

// accountRecord reads what the accounts keep about u besides the user row: sessions, refresh
// tokens, reset links and e-mails, never a token or hash.
func (s *store) accountRecord(ctx context.Context, u *User) (*AccountRecord, error) {
	r := &AccountRecord{}
	var updated string
	if err := s.db.R.QueryRowContext(ctx, "SELECT updated_at FROM users WHERE id = $1", u.ID).Scan(&updated); err != nil {
		return nil, err
	}
	r.UpdatedAt, _ = db.ParseTime(updated)
	err := eachRow(ctx, s.db.R, `SELECT data, expires_at FROM sessions WHERE data LIKE $1 ESCAPE '\' ORDER BY expires_at`,
		[]any{sessionPattern(u.ID)}, func(rows *sql.Rows) error {
			var data, expires string
			if err := rows.Scan(&data, &expires); err != nil {
				return err
			}
			var sess session
			if json.Unmarshal([]byte(data), &sess) != nil || sess.UserID != u.ID {
				return nil
			}
			exp, _ := db.ParseTime(expires)
			r.Sessions = append(r.Sessions, SessionRecord{Created: sess.Created.UTC(), LastSeen: sess.Seen.UTC(), Expires: exp})
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, s.db.R, `SELECT created_at, expires_at, used_at, revoked_at FROM refresh_tokens
		WHERE user_id = $1 ORDER BY created_at`, []any{u.ID}, func(rows *sql.Rows) error {
		var created, expires string
		var used, revoked sql.NullString
		if err := rows.Scan(&created, &expires, &used, &revoked); err != nil {
			return err
		}
		r.APITokens = append(r.APITokens, TokenRecord{Created: parseTime(created), Expires: parseTime(expires),
			Used: nullTime(used), Revoked: nullTime(revoked)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, s.db.R, `SELECT created_at, expires_at, used_at FROM password_resets
		WHERE user_id = $1 ORDER BY created_at`, []any{u.ID}, func(rows *sql.Rows) error {
		var created, expires string
		var used sql.NullString
		if err := rows.Scan(&created, &expires, &used); err != nil {
			return err
		}
		r.Resets = append(r.Resets, ResetRecord{Created: parseTime(created), Expires: parseTime(expires), Used: nullTime(used)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, s.db.R, `SELECT subject, created_at, sent_at FROM outbox WHERE recipient = $1 ORDER BY created_at`,
		[]any{u.Email}, func(rows *sql.Rows) error {
			var subject, created string
			var sent sql.NullString
			if err := rows.Scan(&subject, &created, &sent); err != nil {
				return err
			}
			r.Emails = append(r.Emails, EmailRecord{Subject: subject, Created: parseTime(created), Sent: nullTime(sent)})
			return nil
		})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// eachRow runs a query and calls fn on each row.
func eachRow(ctx context.Context, q querier, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func parseTime(s string) time.Time {
	t, _ := db.ParseTime(s)
	return t
}

func nullTime(s sql.NullString) *time.Time {
	if !s.Valid {
		return nil
	}
	t := parseTime(s.String)
	return &t
}

// otherAdmins counts the enabled administrators other than userID.
func (s *store) otherAdmins(ctx context.Context, userID string) (int, error) {
	return otherAdmins(ctx, s.db.R, userID)
}

func otherAdmins(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, userID string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id
		WHERE r.role = $1 AND u.disabled = 0 AND u.id <> $2`, string(RoleAdmin), userID).Scan(&n)
	return n, err
}

// deleteAccount deletes u and everything kept about them, in one transaction, and answers the
// refresh-token families (sign-ins) they had, for the kv store to mark revoked, and how many
// certificates went with the account. An admin is deleted only while another enabled admin
// remains (ErrLastAdmin): on PostgreSQL the admins' role rows are locked first, so that two
// admins deleting themselves at once cannot both see the other.
//
// NB: the audit log (the moderation package's) and the outbox (notify's) are written here too,
// since what they hold about the account is the accounts' to erase within this transaction: the
// e-mail address is taken out of the audit entries that name it (failed sign-ins, reset
// requests), and unsent and sent messages to it are deleted. The rows that refer to the user by
// foreign key (roles, tokens, reset links, two-step verification, enrolments, completed lessons,
// quiz attempts and pauses, certificates) go by ON DELETE CASCADE.
func (s *store) deleteAccount(ctx context.Context, u *User) (families []string, certificates int, err error) {
	err = s.inTx(ctx, func(t storeTx) error {
		if u.Holds(RoleAdmin) {
			if err := eachRow(ctx, t.tx, "SELECT user_id FROM user_roles WHERE role = $1"+t.forUpdate,
				[]any{string(RoleAdmin)}, func(*sql.Rows) error { return nil }); err != nil {
				return err
			}
			n, err := otherAdmins(ctx, t.tx, u.ID)
			if err != nil {
				return err
			}
			if n == 0 {
				return ErrLastAdmin
			}
		}
		families = families[:0]
		err := eachRow(ctx, t.tx, "SELECT DISTINCT family_id FROM refresh_tokens WHERE user_id = $1", []any{u.ID},
			func(rows *sql.Rows) error {
				var f string
				if err := rows.Scan(&f); err != nil {
					return err
				}
				families = append(families, f)
				return nil
			})
		if err != nil {
			return err
		}
		if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM certificates WHERE user_id = $1", u.ID).Scan(&certificates); err != nil {
			return err
		}
		for _, st := range []struct {
			query string
			args  []any
		}{
			{`DELETE FROM sessions WHERE data LIKE $1 ESCAPE '\'`, []any{sessionPattern(u.ID)}},
			{"DELETE FROM outbox WHERE recipient = $1", []any{u.Email}},
			{"UPDATE audit_log SET target = $1 WHERE target = $2", []any{deletedTarget, u.Email}},
		} {
			if _, err := t.tx.ExecContext(ctx, st.query, st.args...); err != nil {
				return err
			}
		}
		res, err := t.tx.ExecContext(ctx, "DELETE FROM users WHERE id = $1", u.ID)
		return affectedOne(res, err)
	})
	return families, certificates, err
}
