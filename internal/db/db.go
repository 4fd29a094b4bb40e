// Package db opens SQLite or PostgreSQL, applies migrations and runs transactions. It hides the
// few differences between the two; the SQL itself lives in the domain packages and is written to
// run on both ($1-style placeholders work on both drivers).
package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/base32"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"               // registers the pure-Go "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the database engine behind a DB.
type Dialect string

// The two engines Capacity Hub runs on.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is a database opened for Capacity Hub. Writes go through W and reads through R. With SQLite,
// W holds a single connection so that writers queue in Go instead of failing with "database is
// locked", and R is a pool of read-only connections that WAL lets run beside the writer. With
// PostgreSQL both are the same pool.
type DB struct {
	W       *sql.DB
	R       *sql.DB
	Dialect Dialect

	readerOnce sync.Once
	reader     *Statements // R with its statements kept prepared (Reader)
}

// Open connects to the database named by url (sqlite:PATH or postgres://…) and checks that it
// answers. It does not migrate.
func Open(ctx context.Context, rawURL string) (*DB, error) { return OpenWrapped(ctx, rawURL, nil) }

// OpenWrapped is Open with the database/sql driver wrapped by wrap (nil: as it is), so that a test
// can see every statement the server sends (testenv.CountQueries).
func OpenWrapped(ctx context.Context, rawURL string, wrap func(driver.Driver) driver.Driver) (*DB, error) {
	var d *DB
	var err error
	switch {
	case strings.HasPrefix(rawURL, "sqlite:"):
		d, err = openSQLite(strings.TrimPrefix(rawURL, "sqlite:"), wrap)
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		d, err = openPostgres(rawURL, wrap)
	default:
		return nil, errors.New("unknown database URL scheme")
	}
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := d.Ping(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// openPool is sql.Open, through wrap when it is not nil.
func openPool(driverName, dsn string, wrap func(driver.Driver) driver.Driver) (*sql.DB, error) {
	p, err := sql.Open(driverName, dsn)
	if err != nil || wrap == nil {
		return p, err
	}
	inner := p.Driver()
	_ = p.Close()
	return sql.OpenDB(dsnConnector{dsn: dsn, driver: wrap(inner)}), nil
}

// dsnConnector opens connections to dsn with driver.
type dsnConnector struct {
	dsn    string
	driver driver.Driver
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.driver.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.driver }

func openSQLite(path string, wrap func(driver.Driver) driver.Driver) (*DB, error) {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
	}
	// NB: every pragma is set per connection through the DSN, so that a connection the pool opens
	// later gets them too. _txlock=immediate takes the write lock at BEGIN, which avoids the
	// deadlock-prone upgrade from a read to a write transaction.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	w, err := openPool("sqlite", "file:"+path+"?"+pragmas+"&_pragma=journal_mode(WAL)&_txlock=immediate", wrap)
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	// Create the file and switch it to WAL before the read-only pool opens it. NB: the switch to
	// WAL takes an exclusive lock, and SQLite answers SQLITE_BUSY at once, without its busy
	// handler, to a connection that meets another process's switch half-way (several processes
	// opening one new file at once); such a connection is closed, so try again for as long as the
	// busy timeout would have waited.
	for deadline := time.Now().Add(10 * time.Second); ; {
		_, err := w.Exec("SELECT 1")
		if err == nil {
			break
		}
		if !isBusy(err) || time.Now().After(deadline) {
			w.Close()
			return nil, err
		}
		time.Sleep(time.Duration(5+mrand.IntN(20)) * time.Millisecond)
	}
	r, err := openPool("sqlite", "file:"+path+"?mode=ro&"+pragmas, wrap)
	if err != nil {
		w.Close()
		return nil, err
	}
	n := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return &DB{W: w, R: r, Dialect: SQLite}, nil
}

// isBusy tells whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

func openPostgres(rawURL string, wrap func(driver.Driver) driver.Driver) (*DB, error) {
	if _, err := url.Parse(rawURL); err != nil {
		return nil, errors.New("invalid postgres URL")
	}
	p, err := openPool("pgx", rawURL, wrap)
	if err != nil {
		return nil, err
	}
	p.SetMaxOpenConns(25)
	p.SetMaxIdleConns(25)
	p.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{W: p, R: p, Dialect: Postgres}, nil
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.W.PingContext(ctx); err != nil {
		return err
	}
	if d.R != d.W {
		return d.R.PingContext(ctx)
	}
	return nil
}

// Close closes every connection.
func (d *DB) Close() error {
	if d.reader != nil {
		d.reader.close()
	}
	err := d.W.Close()
	if d.R != d.W {
		err = errors.Join(err, d.R.Close())
	}
	return err
}

// Tx runs fn in a write transaction and commits when fn returns nil; otherwise it rolls back and
// returns fn's error, so that a failed request leaves no half-written record.
func (d *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := d.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	return nil
}

// ForUpdate is the clause that locks the rows a SELECT reads until the transaction ends, on
// PostgreSQL; SQLite needs none, as its one writer connection already runs transactions one at a
// time.
func (d *DB) ForUpdate() string {
	if d.Dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// TimeFormat is how times are stored: fixed-width UTC text, so that they sort and compare as
// strings and read the same on both engines.
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// FormatTime renders t for storage.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// ParseTime reads a time stored by FormatTime.
func ParseTime(s string) (time.Time, error) { return time.Parse(TimeFormat, s) }

// NewID returns a new random identifier: 128 bits as 26 lower-case base32 characters, which
// cannot be guessed or enumerated.
func NewID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // NB: crypto/rand.Read never fails since Go 1.24.
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// ValidID tells whether s has the shape of an id NewID makes (26 characters of lower-case
// base32), so that nothing else is looked up.
func ValidID(s string) bool {
	if len(s) != 26 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '2' || r > '7') {
			return false
		}
	}
	return true
}

// IsUniqueViolation tells whether err is a UNIQUE or PRIMARY KEY constraint failure, on either
// engine.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505" // unique_violation
	}
	s := err.Error() // the SQLite driver's errors carry the engine's message
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "PRIMARY KEY constraint failed")
}
