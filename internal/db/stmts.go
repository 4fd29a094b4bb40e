package db

import (
	"context"
	"database/sql"
	"sync"
)

// Statements is the read handle R with its statements prepared once and kept: the same SQL,
// sent again, is not parsed again. SQLite parses every statement it is given otherwise (a
// quarter of a signed-in page's time); PostgreSQL is spared the parse and plan too. It keeps at
// most maxPrepared statements, the hot ones coming first; any SQL beyond them, or whose
// preparation fails, is sent as it is.
type Statements struct {
	db    *sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

// maxPrepared bounds the statements kept: the service's fixed SQL is a few dozen; SQL built with
// a variable number of placeholders (an IN list) would otherwise grow without end.
const maxPrepared = 256

// Reader is R with prepared statements (Statements), one per DB, shared by its services.
func (d *DB) Reader() *Statements {
	d.readerOnce.Do(func() { d.reader = &Statements{db: d.R, stmts: map[string]*sql.Stmt{}} })
	return d.reader
}

// stmt is query prepared, or nil when it cannot be kept.
func (s *Statements) stmt(ctx context.Context, query string) *sql.Stmt {
	s.mu.RLock()
	st, ok := s.stmts[query]
	full := len(s.stmts) >= maxPrepared
	s.mu.RUnlock()
	if ok || full {
		return st
	}
	st, err := s.db.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.stmts[query]; ok {
		_ = st.Close() // another request prepared it meanwhile
		return prev
	}
	if len(s.stmts) >= maxPrepared {
		_ = st.Close()
		return nil
	}
	s.stmts[query] = st
	return st
}

// QueryContext runs query, prepared.
func (s *Statements) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := s.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.db.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query, prepared, for one row.
func (s *Statements) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := s.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.db.QueryRowContext(ctx, query, args...)
}

// close closes every kept statement.
func (s *Statements) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for q, st := range s.stmts {
		_ = st.Close()
		delete(s.stmts, q)
	}
}
