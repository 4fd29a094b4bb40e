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
