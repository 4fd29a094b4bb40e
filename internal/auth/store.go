package auth

import (
	"context"
	"database/sql"
	"strings"

	"capacityhub/internal/db"
)

// store is all the SQL of accounts, in files named by what it keeps: store_users.go (users and
// their roles), store_tokens.go (refresh tokens), store_resets.go (password-reset links). Every
// method is one statement or one transaction, and runs on SQLite and PostgreSQL alike. The
// service files hold the rules and no SQL.
type store struct{ db *db.DB }

// storeTx is the store inside one write transaction (see store.inTx): what its methods do is
// committed together, or not at all. The service uses it where a rule must be decided between
// two statements, as when a refresh token is exchanged.
type storeTx struct {
	tx        *sql.Tx
	forUpdate string // the dialect's row-lock clause: see db.DB.ForUpdate
}

// inTx runs fn in one write transaction, committed when fn returns nil and rolled back otherwise.
func (s *store) inTx(ctx context.Context, fn func(t storeTx) error) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error { return fn(storeTx{tx: tx, forUpdate: s.db.ForUpdate()}) })
}

// execer is what a statement shared by the store and storeTx runs on: the database or a
// transaction.
type execer interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}

// querier is what a query shared by the store and storeTx runs on.
type querier interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

// affectedOne turns an UPDATE of one user into ErrNotFound when no row matched.
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

// escapeLike makes s match itself in a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
