package testenv

import (
	"context"
	"database/sql/driver"
	"sync/atomic"
	"testing"

	"capacityhub/internal/db"
)

// Queries counts the statements a database runs (queries and executions, in transactions or not,
// prepared or not), whoever sends them: what a page costs the database, authentication included.
// Preparing a statement is not counted: a server prepares its hot statements once and keeps them.
type Queries struct{ n atomic.Int64 }

// Count is the number of statements run so far.
func (q *Queries) Count() int64 { return q.n.Load() }

// OpenCounted is Open, with every statement counted in the returned Queries.
func OpenCounted(t testing.TB, d db.Dialect) (*db.DB, *Queries) {
	t.Helper()
	q := &Queries{}
	database, err := db.OpenWrapped(context.Background(), URL(t, d), func(inner driver.Driver) driver.Driver {
		return countingDriver{inner, q}
	})
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { database.Close() })
	if _, err := database.Migrate(context.Background(), db.Migrations); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return database, q
}

type countingDriver struct {
	driver.Driver
	q *Queries
}

func (d countingDriver) Open(dsn string) (driver.Conn, error) {
	c, err := d.Driver.Open(dsn)
	if err != nil {
		return nil, err
	}
	return &countingConn{c, d.q}, nil
}

// countingConn passes every call to the driver's connection, counting the statements. Where the
// driver lacks an optional interface, it answers as database/sql expects of a driver without it.
type countingConn struct {
	driver.Conn
	q *Queries
}

func (c *countingConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	var s driver.Stmt
	var err error
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		s, err = p.PrepareContext(ctx, query)
	} else {
		s, err = c.Conn.Prepare(query)
	}
	if err != nil {
		return nil, err
	}
	return &countingStmt{s, c}, nil
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	//lint:ignore SA1019 the fallback database/sql itself uses for a driver without BeginTx
	return c.Conn.Begin()
}

func (c *countingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	qc, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	c.q.n.Add(1)
	return qc.QueryContext(ctx, query, args)
}

func (c *countingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	ec, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	c.q.n.Add(1)
	return ec.ExecContext(ctx, query, args)
}

func (c *countingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *countingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *countingConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *countingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if n, ok := c.Conn.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

type countingStmt struct {
	driver.Stmt
	conn *countingConn
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.conn.q.n.Add(1)
	if e, ok := s.Stmt.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	//lint:ignore SA1019 the fallback database/sql itself uses for a driver without ExecContext
	return s.Stmt.Exec(values(args))
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.conn.q.n.Add(1)
	if qc, ok := s.Stmt.(driver.StmtQueryContext); ok {
		return qc.QueryContext(ctx, args)
	}
	//lint:ignore SA1019 the fallback database/sql itself uses for a driver without QueryContext
	return s.Stmt.Query(values(args))
}

func (s *countingStmt) CheckNamedValue(nv *driver.NamedValue) error {
	if n, ok := s.Stmt.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return s.conn.CheckNamedValue(nv) // NB: as database/sql asks the connection when a statement has no checker
}

func values(args []driver.NamedValue) []driver.Value {
	v := make([]driver.Value, len(args))
	for i, a := range args {
		v[i] = a.Value
	}
	return v
}
