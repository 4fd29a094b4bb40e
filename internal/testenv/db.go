// Package testenv gives tests a fresh, migrated database on each engine: SQLite always, and
// PostgreSQL when DATABASE_URL_TEST is set. Each PostgreSQL test gets a schema of its own, dropped
// afterwards, so that tests run in parallel and runs sharing one server never see each other.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"capacityhub/internal/db"
)

// Each runs fn as a subtest once per available engine, each time with a new migrated database.
// Under CI (CI=true) a missing DATABASE_URL_TEST fails the test instead of leaving PostgreSQL
// untested.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	Engines(t, func(t *testing.T, engine db.Dialect) { fn(t, Open(t, engine)) })
}

// Engines runs fn as a subtest once per engine, for tests that open databases themselves.
func Engines(t *testing.T, fn func(t *testing.T, engine db.Dialect)) {
	t.Helper()
	for _, engine := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(engine), func(t *testing.T) { fn(t, engine) })
	}
}

// Open returns a new migrated database of the given engine, closed and removed when t ends.
func Open(t testing.TB, d db.Dialect) *db.DB {
	t.Helper()
	database := OpenEmpty(t, d)
	if _, err := database.Migrate(context.Background(), db.Migrations); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return database
}

// OpenEmpty is Open without the migrations.
func OpenEmpty(t testing.TB, d db.Dialect) *db.DB {
	t.Helper()
	u := URL(t, d)
	database, err := db.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { database.Close() })
	return database
}

// URL returns the address of a new, empty database of the given engine, valid until t ends;
// several db.Open calls on it reach the same data, as several server processes would.
func URL(t testing.TB, d db.Dialect) string {
	t.Helper()
	if d == db.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	}
	base := os.Getenv("DATABASE_URL_TEST")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("DATABASE_URL_TEST is not set: PostgreSQL must be tested in CI")
		}
		t.Skip("DATABASE_URL_TEST is not set: PostgreSQL tests skipped")
	}
	admin, err := db.Open(context.Background(), base)
	if err != nil {
		t.Fatalf("DATABASE_URL_TEST: %v", err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.W.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := db.Open(context.Background(), base)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer admin.Close()
		if _, err := admin.W.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	parsed, err := url.Parse(base)
	if err != nil {
		t.Fatalf("DATABASE_URL_TEST: %v", err)
	}
	q := parsed.Query()
	q.Set("search_path", schema)
	parsed.RawQuery = q.Encode()
	return parsed.String()
}
