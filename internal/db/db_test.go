package db_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
)

var twoMigrations = fstest.MapFS{
	"migrations/0001_notes.sqlite.sql":   {Data: []byte("CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL UNIQUE);")},
	"migrations/0001_notes.postgres.sql": {Data: []byte("CREATE TABLE notes (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body TEXT NOT NULL UNIQUE);")},
	"migrations/0002_tags.sql":           {Data: []byte("CREATE TABLE tags (name TEXT PRIMARY KEY); INSERT INTO tags (name) VALUES ('ai');")},
}

func TestMigrateAppliesOnceInOrder(t *testing.T) {
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		d := testenv.OpenEmpty(t, engine)
		ctx := context.Background()
		n, err := d.Migrate(ctx, twoMigrations)
		if err != nil || n != 2 {
			t.Fatalf("first run: applied %d, err %v; want 2", n, err)
		}
		n, err = d.Migrate(ctx, twoMigrations)
		if err != nil || n != 0 {
			t.Fatalf("second run: applied %d, err %v; want 0", n, err)
		}
		var tag string
		if err := d.R.QueryRow("SELECT name FROM tags").Scan(&tag); err != nil || tag != "ai" {
			t.Fatalf("migration 2 did not run: %q %v", tag, err)
		}
		if _, err := d.W.Exec("INSERT INTO notes (body) VALUES ($1)", "x"); err != nil {
			t.Fatalf("the engine's own half of migration 1 did not run: %v", err)
		}
	})
}

func TestMigrateConcurrentProcesses(t *testing.T) {
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		url := testenv.URL(t, engine)
		var wg sync.WaitGroup
		applied := make([]int, 4)
		errs := make([]error, 4)
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d, err := db.Open(context.Background(), url)
				if err != nil {
					errs[i] = err
					return
				}
				defer d.Close()
				applied[i], errs[i] = d.Migrate(context.Background(), db.Migrations)
			}()
		}
		wg.Wait()
		total := 0
		for i := range 4 {
			if errs[i] != nil {
				t.Fatalf("process %d: %v", i, errs[i])
			}
			total += applied[i]
		}
		plan, _ := db.Plan(db.Migrations, engine)
		if total != len(plan) {
			t.Fatalf("migrations applied %d times in all, want each once (%d)", total, len(plan))
		}
	})
}

func TestPlanRejectsBadSets(t *testing.T) {
	for _, tc := range []struct {
		name string
		fs   fstest.MapFS
		want string
	}{
		{"bad name", fstest.MapFS{"migrations/1_x.sql": {}}, "name must be"},
		{"version reused", fstest.MapFS{"migrations/0001_a.sql": {}, "migrations/0001_b.sql": {}}, "share version"},
		{"half missing", fstest.MapFS{"migrations/0001_a.postgres.sql": {}}, "no file for sqlite"},
		{"shared and split", fstest.MapFS{"migrations/0001_a.sql": {}, "migrations/0001_a.sqlite.sql": {}}, "both a shared"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.Plan(tc.fs, db.SQLite)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error containing %q, got %v", tc.want, err)
			}
		})
	}
}

// Many goroutines writing at once must all succeed: with SQLite the single writer connection
// queues them instead of failing with "database is locked", while reads go on beside them.
func TestConcurrentWritersLoseNothing(t *testing.T) {
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		d := testenv.OpenEmpty(t, engine)
		ctx := context.Background()
		if _, err := d.Migrate(ctx, twoMigrations); err != nil {
			t.Fatal(err)
		}
		const writers, each = 16, 25
		var wg sync.WaitGroup
		errc := make(chan error, writers*each+writers)
		for w := range writers {
			wg.Add(2)
			go func() {
				defer wg.Done()
				for i := range each {
					err := d.Tx(ctx, func(tx *sql.Tx) error {
						_, err := tx.ExecContext(ctx, "INSERT INTO notes (body) VALUES ($1)", string(rune('a'+w))+strings.Repeat("x", i))
						return err
					})
					if err != nil {
						errc <- err
					}
				}
			}()
			go func() { // a reader beside each writer
				defer wg.Done()
				for range each {
					var n int
					if err := d.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM notes").Scan(&n); err != nil {
						errc <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Fatalf("concurrent access failed: %v", err)
		}
		var n int
		if err := d.R.QueryRow("SELECT COUNT(*) FROM notes").Scan(&n); err != nil || n != writers*each {
			t.Fatalf("stored %d rows (err %v), want %d", n, err, writers*each)
		}
	})
}

func TestTxRollsBackOnError(t *testing.T) {
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		d := testenv.OpenEmpty(t, engine)
		ctx := context.Background()
		if _, err := d.Migrate(ctx, twoMigrations); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, "INSERT INTO notes (body) VALUES ('half')"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Tx returned %v, want fn's error", err)
		}
		var n int
		if err := d.R.QueryRow("SELECT COUNT(*) FROM notes").Scan(&n); err != nil || n != 0 {
			t.Fatalf("a failed transaction left %d rows behind", n)
		}
	})
}

func TestTimeRoundTrip(t *testing.T) {
	s := db.FormatTime(mustTime(t, "2026-11-26T10:00:00.123456789+02:00"))
	if s != "2026-11-26T08:00:00.123456Z" {
		t.Fatalf("FormatTime = %s", s)
	}
	back, err := db.ParseTime(s)
	if err != nil || db.FormatTime(back) != s {
		t.Fatalf("ParseTime(%s) = %v, %v", s, back, err)
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}
