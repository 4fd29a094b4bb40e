package course

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"capacityhub/internal/db"
	"capacityhub/internal/fault"
)

// The attempt limit: a learner who has not passed a quiz may fail it MaxFailures times, then
// waits Cooldown from the last of those failures (to the next whole minute) before another
// round of MaxFailures. Once the
// quiz is passed there is no limit: further attempts are practice and change nothing.
const (
	MaxFailures = 3
	Cooldown    = time.Hour
)

// ErrCoolingDown is an attempt refused because the learner used up a round of failures: the
// error returned is a *CooldownError, which says until when; errors.Is(err, ErrCoolingDown)
// holds for it.
var ErrCoolingDown = fault.New(fault.TooMany, "course.error.cooling_down", "course: quiz attempts used up for now")

// CooldownError is an attempt refused during a pause; Until is when the next one is allowed.
type CooldownError struct {
	Until time.Time
}

func (e *CooldownError) Error() string {
	return fmt.Sprintf("%v until %s", ErrCoolingDown, db.FormatTime(e.Until))
}

// Unwrap makes the error ErrCoolingDown for errors.Is and its kind for the web edge.
func (e *CooldownError) Unwrap() error { return ErrCoolingDown }

// Standing is where a learner stands with a quiz's attempts at one moment.
type Standing struct {
	Attempts      int       // attempts kept so far; the next one's order of choices follows from it
	Passed        bool      // some attempt passed: no limit any more, and results show the answers
	Failures      int       // failed attempts in the current round (0 once a pause is over)
	NextAttemptAt time.Time // the end of the current pause; zero when there is none
}

// AttemptsLeft is how many attempts may fail before a pause; meaningless once Passed.
func (st *Standing) AttemptsLeft() int {
	if st.CoolingDown() {
		return 0
	}
	return MaxFailures - st.Failures
}

// CoolingDown tells whether the learner must wait before the next attempt.
func (st *Standing) CoolingDown() bool { return !st.Passed && !st.NextAttemptAt.IsZero() }

// record counts one more attempt, made at now; a round's last failure begins a pause.
func (st *Standing) record(passed bool, now time.Time) {
	st.Attempts++
	switch {
	case st.Passed:
	case passed:
		st.Passed = true
	default:
		st.Failures++
		if st.Failures >= MaxFailures {
			// To the whole minute after, so that a page can say the minute without rounding it.
			st.NextAttemptAt = now.Add(Cooldown + time.Minute - time.Nanosecond).Truncate(time.Minute)
		}
	}
}

// standing reads u's standing with a quiz as it is at now, through q (the read handle, or the
// transaction that keeps an attempt): a pause that is over has ended its round.
func (s *Service) standing(ctx context.Context, q Querier, userID, course, quiz string, now time.Time) (*Standing, error) {
	st := &Standing{}
	var passed int
	var until string
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM quiz_attempts WHERE user_id = $1 AND course_slug = $2 AND quiz_slug = $3),
		(SELECT COUNT(*) FROM quiz_attempts WHERE user_id = $1 AND course_slug = $2 AND quiz_slug = $3 AND passed = 1),
		COALESCE((SELECT failures FROM quiz_attempt_limits WHERE user_id = $1 AND course_slug = $2 AND quiz_slug = $3), 0),
		COALESCE((SELECT locked_until FROM quiz_attempt_limits WHERE user_id = $1 AND course_slug = $2 AND quiz_slug = $3), '')`,
		userID, course, quiz).Scan(&st.Attempts, &passed, &st.Failures, &until)
	if err != nil {
		return nil, err
	}
	st.Passed = passed > 0
	if until != "" {
		t, err := db.ParseTime(until)
		if err != nil {
			return nil, err
		}
		if now.Before(t) {
			st.NextAttemptAt = t
		} else {
			st.Failures = 0 // the pause is over: a new round
		}
	}
	return st, nil
}

// lockStanding locks u's limit row for a quiz until tx ends (creating it when needed), so that
// concurrent attempts by one learner are counted one after the other, then reads the standing.
// NB: on SQLite the one writer connection already runs transactions one at a time.
func (s *Service) lockStanding(ctx context.Context, tx *sql.Tx, userID, course, quiz string, now time.Time) (*Standing, error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO quiz_attempt_limits (user_id, course_slug, quiz_slug) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, course_slug, quiz_slug) DO NOTHING`, userID, course, quiz); err != nil {
		return nil, err
	}
	var failures int
	if err := tx.QueryRowContext(ctx, `SELECT failures FROM quiz_attempt_limits
		WHERE user_id = $1 AND course_slug = $2 AND quiz_slug = $3`+s.db.ForUpdate(), userID, course, quiz).Scan(&failures); err != nil {
		return nil, err
	}
	return s.standing(ctx, tx, userID, course, quiz, now)
}

// saveStanding writes the round's failures and pause back to u's limit row.
func saveStanding(ctx context.Context, tx *sql.Tx, st *Standing, userID, course, quiz string) error {
	var until any // NULL when no pause
	if !st.NextAttemptAt.IsZero() {
		until = db.FormatTime(st.NextAttemptAt)
	}
	_, err := tx.ExecContext(ctx, `UPDATE quiz_attempt_limits SET failures = $1, locked_until = $2
		WHERE user_id = $3 AND course_slug = $4 AND quiz_slug = $5`, st.Failures, until, userID, course, quiz)
	return err
}
