package testenv

import (
	"testing"
	"time"

	"capacityhub/internal/db"
)

// AgeAccount makes the account userID as old as age, as if it had registered that long ago: past
// the stricter write limit of an account's first day, for a test that writes more than ten times
// a minute. NB: SQL from a test helper, so that no web test holds any.
func AgeAccount(t testing.TB, d *db.DB, userID string, age time.Duration) {
	t.Helper()
	if _, err := d.W.Exec("UPDATE users SET created_at = $1 WHERE id = $2", db.FormatTime(time.Now().Add(-age)), userID); err != nil {
		t.Fatal(err)
	}
}

// QueuedMail is every message in the outbox, oldest first, as (recipient, body) pairs.
func QueuedMail(t testing.TB, d *db.DB) [][2]string {
	t.Helper()
	rows, err := d.R.Query("SELECT recipient, body FROM outbox ORDER BY created_at")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var to, body string
		if err := rows.Scan(&to, &body); err != nil {
			t.Fatal(err)
		}
		out = append(out, [2]string{to, body})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// DateCertificate sets the day certificate id says it was issued (the service always issues
// today), for a test of how dates read in each language.
func DateCertificate(t testing.TB, d *db.DB, id string, issued time.Time) {
	t.Helper()
	res, err := d.W.Exec("UPDATE certificates SET issued_at = $1 WHERE id = $2", db.FormatTime(issued), id)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("no certificate %s to date", id)
	}
}

// ExpirePasswordResets makes every unused password-reset link of the database expired, as if it
// had been sent long ago.
func ExpirePasswordResets(t testing.TB, d *db.DB) {
	t.Helper()
	if _, err := d.W.Exec("UPDATE password_resets SET expires_at = $1 WHERE used_at IS NULL", db.FormatTime(time.Now().Add(-time.Minute))); err != nil {
		t.Fatal(err)
	}
}

// UserRows counts, table by table, the rows the database holds about one member: every row of
// every table with a user_id column (found in the schema, so that a table added later is counted
// without being named here), the database sessions of the user, e-mails to their address, and
// audit entries naming their address. Tables with no such row are left out: an empty map means
// nothing is left. NB: SQL from a test helper, so that no web test holds any.
func UserRows(t testing.TB, d *db.DB, userID, email string) map[string]int {
	t.Helper()
	q := "SELECT table_name FROM information_schema.columns WHERE column_name = 'user_id' AND table_schema = current_schema()"
	if d.Dialect == db.SQLite {
		q = "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = 'user_id'"
	}
	rows, err := d.R.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	if len(tables) < 8 {
		t.Fatalf("only %d tables with a user_id column found (%v): is the schema query right?", len(tables), tables)
	}
	counts := map[string]int{}
	count := func(label, query string, args ...any) {
		var n int
		if err := d.R.QueryRow(query, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		if n > 0 {
			counts[label] = n
		}
	}
	for _, table := range tables {
		// NB: table names come from the schema, not from input.
		count(table, "SELECT COUNT(*) FROM "+table+" WHERE user_id = $1", userID)
	}
	count("users", "SELECT COUNT(*) FROM users WHERE id = $1 OR email = $2", userID, email)
	count("sessions", "SELECT COUNT(*) FROM sessions WHERE data LIKE $1", `%"`+userID+`"%`)
	count("outbox", "SELECT COUNT(*) FROM outbox WHERE recipient = $1", email)
	count("audit_log naming the address", "SELECT COUNT(*) FROM audit_log WHERE target = $1 OR detail LIKE $2", email, "%"+email+"%")
	return counts
}
