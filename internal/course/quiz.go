package course

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"maps"
	"slices"

	"capacityhub/internal/auth"
	"capacityhub/internal/db"
	"capacityhub/internal/validate"
)

// Quiz is a quiz as a learner sees it before answering: never the answers.
type Quiz struct {
	QuizRef
	Questions []Question
	Standing  *Standing // the reader's attempts so far; nil for a visitor
}

// Question is one question without its answer.
type Question struct {
	ID       string
	Text     string
	Multiple bool // several choices are right: "select all that apply"
	Choices  []Choice
}

// Choice is one possible answer.
type Choice struct {
	ID   string
	Text string
}

// storedQuiz is a quiz as the database holds it: the structure with the right answers (keys),
// and the texts in each language it is written in.
type storedQuiz struct {
	passMark int
	keys     []questionKey
	texts    map[string]quizLanguageTexts
}

// loadQuiz reads a quiz of a course u may see; otherwise, or when there is no such quiz, it is
// ErrNotFound.
func (s *Service) loadQuiz(ctx context.Context, u *auth.User, course, quiz string) (*storedQuiz, error) {
	if visible(u) == "" {
		return s.readQuiz(ctx, u, course, quiz)
	}
	// NB: a storedQuiz is only read, never changed, by its users.
	return remembered(s.memo, func() (*storedQuiz, error) { return s.readQuiz(ctx, nil, course, quiz) }, "quiz", course, quiz)
}

// readQuiz is loadQuiz from the database.
func (s *Service) readQuiz(ctx context.Context, u *auth.User, course, quiz string) (*storedQuiz, error) {
	var q storedQuiz
	var kj, tj string
	err := s.r.QueryRowContext(ctx, `SELECT q.pass_mark, q.questions, q.texts FROM quizzes q JOIN courses c ON c.slug = q.course_slug
		WHERE q.course_slug = $1 AND q.slug = $2`+visible(u), course, quiz).Scan(&q.passMark, &kj, &tj)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(kj), &q.keys); err != nil {
		return nil, err
	}
	return &q, json.Unmarshal([]byte(tj), &q.texts)
}

// Quiz returns the quiz in lang (or English) without its answers, with u's standing (u may be
// nil: a visitor). Its choices are in the order of u's next attempt (orderChoices).
func (s *Service) Quiz(ctx context.Context, u *auth.User, course, quiz, lang string) (*Quiz, error) {
	sq, err := s.loadQuiz(ctx, u, course, quiz)
	if err != nil {
		return nil, err
	}
	lang = pick(lang, func(l string) bool { _, ok := sq.texts[l]; return ok })
	t := sq.texts[lang]
	out := &Quiz{QuizRef: QuizRef{Slug: quiz, Title: t.Title, Language: lang, PassMark: sq.passMark}}
	for _, k := range sq.keys {
		qt := t.Questions[k.ID]
		q := Question{ID: k.ID, Text: qt.Text, Multiple: len(k.Correct) > 1}
		for _, c := range k.Choices {
			q.Choices = append(q.Choices, Choice{ID: c, Text: qt.Choices[c]})
		}
		out.Questions = append(out.Questions, q)
	}
	if u == nil {
		s.orderChoices(out, course, "", 0)
		return out, nil
	}
	if out.Standing, err = s.standing(ctx, s.r, u.ID, course, quiz, s.now()); err != nil {
		return nil, err
	}
	s.orderChoices(out, course, u.ID, out.Standing.Attempts)
	return out, nil
}

// Attempt is a scored quiz attempt.
type Attempt struct {
	ID        string
	Score     int // percent of questions answered right, rounded half up
	Passed    bool
	PassMark  int
	Questions []QuestionResult
	// Revealed says whether Questions hold the right choices and every explanation: only once
	// the learner has passed the quiz (see conceal).
	Revealed bool
	Standing *Standing // after the attempt (SubmitAttempt only)
	Progress *Progress // after the attempt: the course may now be complete
}

// QuestionResult says whether one question was answered right, with its explanation.
type QuestionResult struct {
	ID          string
	Correct     bool
	Chosen      []string // sorted, without repeats
	Right       []string // the right choices; nil until the learner has passed the quiz
	Explanation string   // "" for a question answered wrong, until the learner has passed the quiz
}

// conceal keeps from a learner who has not yet passed the quiz what would give its answers
// away: which choices are right, and the explanations of the questions they answered wrong
// (explanations tend to name the answer). Whether each question was right stays.
func (a *Attempt) conceal(passed bool) {
	a.Revealed = passed
	if passed {
		return
	}
	for i := range a.Questions {
		q := &a.Questions[i]
		q.Right = nil
		if !q.Correct {
			q.Explanation = ""
		}
	}
}

// SubmitAttempt scores answers (question id -> chosen choice ids) on the server, keeps the
// attempt, and completes the course when this pass was the last thing missing. A question left
// out counts as wrong; an id that is not in the quiz, or several choices for a single-answer
// question, is a validation error (validate.Errors) and nothing is kept. Until u has passed the
// quiz, MaxFailures failed attempts begin a pause of Cooldown, during which an attempt is a
// *CooldownError and nothing is kept; the limit is checked and counted in the transaction that
// keeps the attempt, so that concurrent submissions cannot exceed it.
func (s *Service) SubmitAttempt(ctx context.Context, u *auth.User, course, quiz, lang string, answers map[string][]string) (*Attempt, error) {
	sq, err := s.loadQuiz(ctx, u, course, quiz)
	if err != nil {
		return nil, err
	}
	if err := sq.check(answers); err != nil {
		return nil, err
	}
	a := sq.score(answers, lang)
	a.ID = db.NewID()
	if _, err := s.Enroll(ctx, u, course); err != nil {
		return nil, err
	}
	if a.Standing, err = s.keepAttempt(ctx, u, course, quiz, a, answers); err != nil {
		return nil, err
	}
	a.conceal(a.Standing.Passed)
	if a.Progress, err = s.settle(ctx, u, course); err != nil {
		return nil, err
	}
	return a, nil
}

// CheckAnswers tells whether answers fit the quiz's questions and choices, as SubmitAttempt
// would, without scoring or keeping anything: a visitor's answers, held until they sign in, are
// checked so.
func (s *Service) CheckAnswers(ctx context.Context, u *auth.User, course, quiz string, answers map[string][]string) error {
	sq, err := s.loadQuiz(ctx, u, course, quiz)
	if err != nil {
		return err
	}
	return sq.check(answers)
}

// keepAttempt stores a scored attempt when u's standing allows it, and returns the standing
// after it.
func (s *Service) keepAttempt(ctx context.Context, u *auth.User, course, quiz string, a *Attempt, answers map[string][]string) (*Standing, error) {
	aj, _ := json.Marshal(answers)
	passed := 0
	if a.Passed {
		passed = 1
	}
	now := s.now()
	var st *Standing
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if st, err = s.lockStanding(ctx, tx, u.ID, course, quiz, now); err != nil {
			return err
		}
		if st.CoolingDown() {
			return &CooldownError{Until: st.NextAttemptAt}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO quiz_attempts (id, user_id, course_slug, quiz_slug, score, passed, answers, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, a.ID, u.ID, course, quiz, a.Score, passed, string(aj), db.FormatTime(now)); err != nil {
			return err
		}
		st.record(a.Passed, now)
		return saveStanding(ctx, tx, st, u.ID, course, quiz)
	})
	return st, err
}

// check tells what is wrong with answers: question or choice ids the quiz does not have, and
// more than one choice for a question with one right answer; by question id, so that a client
// sees the same list for the same answers.
func (sq *storedQuiz) check(answers map[string][]string) error {
	var errs validate.Errors
	for _, qid := range slices.Sorted(maps.Keys(answers)) {
		chosen := answers[qid]
		i := slices.IndexFunc(sq.keys, func(k questionKey) bool { return k.ID == qid })
		if i < 0 {
			errs.Add("answers."+qid, "course.quiz.unknown_question", nil)
			continue
		}
		for _, c := range chosen {
			if !slices.Contains(sq.keys[i].Choices, c) {
				errs.Add("answers."+qid, "course.quiz.unknown_choice", nil)
				break
			}
		}
		if len(sq.keys[i].Correct) == 1 && len(chosen) > 1 {
			errs.Add("answers."+qid, "course.quiz.one_choice", nil) // a single-answer question
		}
	}
	return errs.Err()
}

// score marks answers against the quiz, with the explanations in lang (or English). A question
// is right when exactly its right choices are chosen (a choice given twice counts once); one
// left out is wrong, and answers to questions the quiz does not have are ignored. The score is
// the percent of questions right, rounded half up, and passes when it reaches the pass mark.
// NB: it does not validate answers; SubmitAttempt checks them first.
func (sq *storedQuiz) score(answers map[string][]string, lang string) *Attempt {
	lang = pick(lang, func(l string) bool { _, ok := sq.texts[l]; return ok })
	a := &Attempt{PassMark: sq.passMark}
	right := 0
	for _, k := range sq.keys {
		chosen := slices.Clone(answers[k.ID])
		slices.Sort(chosen)
		chosen = slices.Compact(chosen)
		want := slices.Clone(k.Correct)
		slices.Sort(want)
		ok := slices.Equal(chosen, want)
		if ok {
			right++
		}
		a.Questions = append(a.Questions, QuestionResult{ID: k.ID, Correct: ok, Chosen: chosen, Right: k.Correct,
			Explanation: sq.texts[lang].Questions[k.ID].Explanation})
	}
	if len(sq.keys) > 0 {
		a.Score = (right*100 + len(sq.keys)/2) / len(sq.keys)
	}
	a.Passed = a.Score >= sq.passMark
	return a
}

// AttemptResult shows one of u's kept attempts again, marked against the quiz as it is now,
// with u's progress in the course; the right choices and every explanation only once u has
// passed the quiz (by any attempt). Another learner's attempt is ErrNotFound. Score is the one
// kept when it was submitted; Passed compares it with the pass mark as it is now. NB: Progress
// reads the pass kept at submission instead: the two disagree only when a re-import changed
// the pass mark since.
func (s *Service) AttemptResult(ctx context.Context, u *auth.User, course, quiz, id, lang string) (*Attempt, error) {
	sq, err := s.loadQuiz(ctx, u, course, quiz)
	if err != nil {
		return nil, err
	}
	var aj string
	var score int
	err = s.r.QueryRowContext(ctx, `SELECT answers, score FROM quiz_attempts
		WHERE id = $1 AND user_id = $2 AND course_slug = $3 AND quiz_slug = $4`, id, u.ID, course, quiz).Scan(&aj, &score)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var answers map[string][]string
	if err := json.Unmarshal([]byte(aj), &answers); err != nil {
		return nil, err
	}
	a := sq.score(answers, lang)
	a.ID = id
	a.Score, a.Passed = score, score >= sq.passMark // the score as it was marked when submitted
	if a.Progress, err = s.Progress(ctx, u, course); err != nil {
		return nil, err
	}
	a.conceal(a.Progress.QuizzesPassed[quiz])
	return a, nil
}
