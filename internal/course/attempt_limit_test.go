package course

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"capacityhub/internal/db"
	"capacityhub/internal/fault"
	"capacityhub/internal/moderation"
	"capacityhub/internal/testenv"
)

// The mini course's basics quiz, answered all wrong and all right.
var (
	failBasics = map[string][]string{"q1": {"a"}, "q2": {"b"}}
	passBasics = map[string][]string{"q1": {"b"}, "q2": {"a", "c"}}
)

// clockedEnv is newEnv with a course imported (the mini course when fsys is nil) and a clock
// the test moves.
func clockedEnv(t *testing.T, d *db.DB, fsys fstest.MapFS) (*env, *time.Time) {
	t.Helper()
	e := newEnv(t, d)
	if fsys == nil {
		fsys = miniCourse()
	}
	e.importFS(t, fsys)
	now := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	e.s.now = func() time.Time { return now }
	return e, &now
}

// keptAttempts counts the attempts kept for u at the basics quiz.
func keptAttempts(t *testing.T, d *db.DB, userID string) int {
	t.Helper()
	var n int
	if err := d.R.QueryRow("SELECT COUNT(*) FROM quiz_attempts WHERE user_id = $1 AND quiz_slug = 'basics'", userID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Three failed attempts, then a pause of an hour from the third, in which nothing is kept; then
// another three. The standing says so before and after each attempt, and it is in the database:
// another service on the same database (a restarted server) refuses too. Once the quiz is
// passed, there is no limit.
func TestAttemptLimitAndCooldown(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		e, now := clockedEnv(t, d, nil)
		ctx := context.Background()
		for i, left := range []int{2, 1, 0} {
			a, err := e.s.SubmitAttempt(ctx, e.learner, "mini", "basics", "en", failBasics)
			if err != nil || a.Passed || a.Standing.AttemptsLeft() != left {
				t.Fatalf("failure %d: %+v %v; want %d attempts left", i+1, a, err, left)
			}
			*now = now.Add(10 * time.Minute)
		}
		third := now.Add(-10 * time.Minute)
		restarted := New(d, moderation.NewAuditLog(d), slog.New(slog.NewTextHandler(io.Discard, nil)), []byte("test secret"))
		restarted.now = e.s.now
		for _, s := range []*Service{e.s, restarted} {
			_, err := s.SubmitAttempt(ctx, e.learner, "mini", "basics", "en", passBasics)
			var cd *CooldownError
			if !errors.As(err, &cd) || !errors.Is(err, ErrCoolingDown) || fault.KindOf(err) != fault.TooMany || !cd.Until.Equal(third.Add(Cooldown)) {
				t.Fatalf("attempt in the pause: %v; want a CooldownError until %v", err, third.Add(Cooldown))
			}
		}
		if n := keptAttempts(t, d, e.learner.ID); n != 3 {
			t.Errorf("%d attempts kept, want 3: a refused one is not kept", n)
		}
		q, err := e.s.Quiz(ctx, e.learner, "mini", "basics", "en")
		if err != nil || !q.Standing.CoolingDown() || q.Standing.AttemptsLeft() != 0 || !q.Standing.NextAttemptAt.Equal(third.Add(Cooldown)) {
			t.Fatalf("quiz during the pause: %+v %v", q.Standing, err)
		}

		*now = third.Add(Cooldown) // the pause is over: a new round of three
		if q, _ := e.s.Quiz(ctx, e.learner, "mini", "basics", "en"); q.Standing.CoolingDown() || q.Standing.AttemptsLeft() != MaxFailures {
			t.Fatalf("after the pause: %+v", q.Standing)
		}
		a, err := e.s.SubmitAttempt(ctx, e.learner, "mini", "basics", "en", failBasics)
		if err != nil || a.Standing.AttemptsLeft() != 2 {
			t.Fatalf("first failure of the second round: %+v %v", a, err)
		}
		if a, err = e.s.SubmitAttempt(ctx, e.learner, "mini", "basics", "en", passBasics); err != nil || !a.Passed || !a.Standing.Passed {
			t.Fatalf("pass: %+v %v", a, err)
		}
		for i := range MaxFailures + 2 { // passed: practice, without limit
			if _, err := e.s.SubmitAttempt(ctx, e.learner, "mini", "basics", "en", failBasics); err != nil {
				t.Fatalf("failure %d after passing: %v", i+1, err)
			}
		}
	})
}

// Concurrent failing attempts by one learner cannot get past the limit: MaxFailures are kept
// and every other one is refused.
func TestConcurrentAttemptsKeepToTheLimit(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		e, _ := clockedEnv(t, d, nil)
		const n = 12
		var wg sync.WaitGroup
		var mu sync.Mutex
		kept, refused := 0, 0
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := e.s.SubmitAttempt(context.Background(), e.learner, "mini", "basics", "en", failBasics)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					kept++
				case errors.Is(err, ErrCoolingDown):
					refused++
				default:
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if kept != MaxFailures || refused != n-MaxFailures || keptAttempts(t, d, e.learner.ID) != MaxFailures {
			t.Errorf("%d kept, %d refused, %d in the database; want %d, %d, %d", kept, refused, keptAttempts(t, d, e.learner.ID),
				MaxFailures, n-MaxFailures, MaxFailures)
		}
	})
}

// Until the learner passes, a result says per question only right or wrong, with the
// explanation of the questions answered right; never which choices were right. Once passed,
// every result, earlier failures included, shows the right choices and every explanation.
func TestResultsRevealAnswersOnlyOncePassed(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		f := miniCourse()
		replaceIn(t, f, "mini/course.toml", "pass_mark = 50", "pass_mark = 60")
		e, _ := clockedEnv(t, d, f)
		ctx := context.Background()
		half := map[string][]string{"q1": {"a"}, "q2": {"c", "a"}} // 50 %
		failed, err := e.s.SubmitAttempt(ctx, e.learner, "mini", "basics", "en", half)
		if err != nil || failed.Passed {
			t.Fatalf("failing attempt: %+v %v", failed, err)
		}
		shown, err := e.s.AttemptResult(ctx, e.learner, "mini", "basics", failed.ID, "en")
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []*Attempt{failed, shown} {
			q1, q2 := a.Questions[0], a.Questions[1]
			if a.Revealed || q1.Correct || q1.Right != nil || q1.Explanation != "" || !q2.Correct || q2.Right != nil || q2.Explanation != "Both." {
				t.Errorf("before passing: revealed %v, %+v, %+v; want no right choices and only q2's explanation", a.Revealed, q1, q2)
			}
		}
		passed, err := e.s.SubmitAttempt(ctx, e.learner, "mini", "basics", "en", passBasics)
		if err != nil || !passed.Revealed || !slices.Equal(passed.Questions[0].Right, []string{"b"}) {
			t.Fatalf("passing attempt: %+v %v", passed, err)
		}
		again, err := e.s.AttemptResult(ctx, e.learner, "mini", "basics", failed.ID, "en")
		if q1 := again.Questions[0]; err != nil || !again.Revealed || !slices.Equal(q1.Right, []string{"b"}) || q1.Explanation != "Because b." {
			t.Errorf("the failed attempt once passed: %+v %v", again, err)
		}
	})
}

// The choices come in an order of the learner's next attempt: the same on every reading until
// they submit, another after; the ids and texts stay together.
func TestChoiceOrderChangesWithEachAttempt(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		e, _ := clockedEnv(t, d, nil)
		ctx := context.Background()
		orderOf := func() string {
			q, err := e.s.Quiz(ctx, e.manager, "mini", "basics", "en")
			if err != nil {
				t.Fatal(err)
			}
			var ids string
			for _, qu := range q.Questions {
				for _, c := range qu.Choices {
					if c.Text != map[string]string{"a": "A", "b": "B", "c": "C"}[c.ID] {
						t.Fatalf("choice %s shows %q", c.ID, c.Text)
					}
					ids += c.ID
				}
				ids += "|"
			}
			return ids
		}
		seen := map[string]bool{}
		for i := range 5 {
			first := orderOf()
			if again := orderOf(); again != first {
				t.Fatalf("attempt %d: order %s, then %s on a reload", i, first, again)
			}
			seen[first] = true
			if _, err := e.s.SubmitAttempt(ctx, e.manager, "mini", "basics", "en", passBasics); err != nil {
				t.Fatal(err)
			}
		}
		if len(seen) < 4 {
			t.Errorf("5 attempts saw %d orders: %v", len(seen), seen)
		}
	})
}

// orderChoices is a keyed permutation: each question's choices, all of them, in an order that
// depends on the attempt, the learner and the key, and covers every order over many attempts.
func TestOrderChoices(t *testing.T) {
	s := &Service{orderKey: deriveOrderKey([]byte("k"))}
	quiz := func() *Quiz {
		return &Quiz{QuizRef: QuizRef{Slug: "basics"}, Questions: []Question{{ID: "q1", Choices: []Choice{{"a", "A"}, {"b", "B"}, {"c", "C"}}}}}
	}
	order := func(s *Service, user string, attempt int) string {
		q := quiz()
		s.orderChoices(q, "mini", user, attempt)
		out := ""
		for _, c := range q.Questions[0].Choices {
			out += c.ID
		}
		return out
	}
	seen := map[string]int{}
	for n := range 120 {
		seen[order(s, "u1", n)]++
	}
	if len(seen) != 6 {
		t.Errorf("orders over 120 attempts: %v; want all 6", seen)
	}
	other := &Service{orderKey: deriveOrderKey([]byte("another key"))}
	same, sameKey := 0, 0
	for n := range 60 {
		if order(s, "u1", n) == order(s, "u2", n) {
			same++
		}
		if order(s, "u1", n) == order(other, "u1", n) {
			sameKey++
		}
	}
	if same > 25 || sameKey > 25 { // about 10 of 60 by chance
		t.Errorf("learners share %d of 60 orders, keys %d: the order must depend on both", same, sameKey)
	}
}
