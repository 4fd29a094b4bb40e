package db_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
)

// A database out of reach is told from a fault, on each engine: PostgreSQL refusing connections
// or cutting them, SQLite locked by another process past the busy timeout. A broken constraint
// or bad SQL is a fault.
func TestUnavailableTellsOutagesFromFaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "locked.db")
		d, err := db.Open(ctx, "sqlite:"+path)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if _, err := d.W.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		// Another process holds the write lock; this one does not wait for it.
		other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		holder, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		defer holder.Close()
		tx, err := holder.Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.Exec("INSERT INTO t (id) VALUES (1)"); err != nil {
			t.Fatal(err)
		}
		_, err = other.Exec("INSERT INTO t (id) VALUES (2)")
		if err == nil || !db.IsUnavailable(err) {
			t.Errorf("a write while another process holds the lock: %v, want an outage", err)
		}
		_, err = d.W.Exec("INSERT INTO nowhere VALUES (1)")
		if err == nil || db.IsUnavailable(err) {
			t.Errorf("bad SQL: %v, want a fault", err)
		}
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		proxy, proxied := testenv.ProxyTo(t, testenv.URL(t, db.Postgres))
		d, err := db.Open(ctx, proxied)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if _, err := d.W.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.W.Exec("INSERT INTO t (id) VALUES (1)"); err != nil {
			t.Fatal(err)
		}
		_, err = d.W.Exec("INSERT INTO t (id) VALUES (1)")
		if err == nil || db.IsUnavailable(err) {
			t.Errorf("a duplicate key: %v, want a fault", err)
		}
		proxy.Down()
		var n int
		err = d.R.QueryRow("SELECT count(*) FROM t").Scan(&n)
		if err == nil || !d.Unavailable(err) {
			t.Errorf("a query with the server out of reach: %v, want an outage", err)
		}
	})
}
