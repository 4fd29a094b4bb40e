package testenv

import (
	"testing"
	"time"

	"capacityhub/internal/db"
)

// EndQuizPauses ends every pause between quiz attempts of userID, as if the hour had gone by.
// NB: SQL from a test helper, so that no web test holds any.
func EndQuizPauses(t testing.TB, d *db.DB, userID string) {
	t.Helper()
	if _, err := d.W.Exec("UPDATE quiz_attempt_limits SET locked_until = $1 WHERE user_id = $2 AND locked_until IS NOT NULL",
		db.FormatTime(time.Now().Add(-time.Second)), userID); err != nil {
		t.Fatal(err)
	}
}
