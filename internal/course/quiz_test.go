package course

import (
	"slices"
	"strings"
	"testing"

	"capacityhub/internal/validate"
)

// scoringQuiz has three questions: q1 (one right answer, b), q2 (select all that apply: a and c,
// stored out of order) and q3 (one right answer, y); explanations in English and French.
func scoringQuiz(passMark int) *storedQuiz {
	texts := func(lang string) quizLanguageTexts {
		t := quizLanguageTexts{Title: "Quiz " + lang, Questions: map[string]questionLangTexts{}}
		for _, id := range []string{"q1", "q2", "q3"} {
			t.Questions[id] = questionLangTexts{Text: id + "?", Explanation: id + " because (" + lang + ")"}
		}
		return t
	}
	return &storedQuiz{
		passMark: passMark,
		keys: []questionKey{
			{ID: "q1", Choices: []string{"a", "b", "c"}, Correct: []string{"b"}},
			{ID: "q2", Choices: []string{"a", "b", "c"}, Correct: []string{"c", "a"}},
			{ID: "q3", Choices: []string{"x", "y"}, Correct: []string{"y"}},
		},
		texts: map[string]quizLanguageTexts{"en": texts("en"), "fr": texts("fr")},
	}
}

// Scoring is done on the server, without the database: a question is right when exactly its
// right choices are chosen, the score is the percent of questions right (rounded half up), and
// the attempt passes when the score reaches the pass mark.
func TestScore(t *testing.T) {
	allRight := map[string][]string{"q1": {"b"}, "q2": {"a", "c"}, "q3": {"y"}}
	with := func(qid string, chosen ...string) map[string][]string {
		a := map[string][]string{}
		for k, v := range allRight {
			a[k] = v
		}
		if chosen == nil {
			delete(a, qid)
		} else {
			a[qid] = chosen
		}
		return a
	}
	for _, tc := range []struct {
		name     string
		passMark int
		answers  map[string][]string
		correct  string // "y" or "n" per question, q1 q2 q3
		score    int
		passed   bool
	}{
		{"all right", 70, allRight, "yyy", 100, true},
		{"multiple choice in another order", 70, with("q2", "c", "a"), "yyy", 100, true},
		{"a choice given twice counts once", 70, with("q2", "a", "c", "a"), "yyy", 100, true},
		{"one wrong", 70, with("q1", "a"), "nyy", 67, false},
		{"multiple choice partly chosen", 70, with("q2", "a"), "yny", 67, false},
		{"extra choice on a multiple-choice question", 70, with("q2", "a", "b", "c"), "yny", 67, false},
		{"extra choice on a single-answer question", 70, with("q1", "b", "c"), "nyy", 67, false},
		{"unanswered question", 70, with("q3"), "yyn", 67, false},
		{"question answered with no choice", 70, with("q3", []string{}...), "yyn", 67, false},
		{"nothing answered", 70, nil, "nnn", 0, false},
		{"unknown question id is ignored", 70, with("q9", "a"), "yyy", 100, true},
		{"unknown choice id is wrong", 70, with("q1", "z"), "nyy", 67, false},
		{"one of three rounds down", 30, map[string][]string{"q1": {"b"}}, "ynn", 33, true},
		{"pass mark exactly met", 67, with("q1", "a"), "nyy", 67, true},
		{"one below the pass mark", 68, with("q1", "a"), "nyy", 67, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := scoringQuiz(tc.passMark).score(tc.answers, "en")
			var correct strings.Builder
			for _, q := range a.Questions {
				correct.WriteString(map[bool]string{true: "y", false: "n"}[q.Correct])
			}
			if correct.String() != tc.correct || a.Score != tc.score || a.Passed != tc.passed || a.PassMark != tc.passMark {
				t.Errorf("questions right %s, score %d, passed %v, pass mark %d; want %s, %d, %v, %d",
					correct.String(), a.Score, a.Passed, a.PassMark, tc.correct, tc.score, tc.passed, tc.passMark)
			}
		})
	}
}

// What a learner sees after an attempt: their choices (sorted, once each), the right ones, and
// each explanation in their language, or in English when the quiz has none in it.
func TestScoreShowsChoicesAndExplanations(t *testing.T) {
	q := scoringQuiz(70)
	a := q.score(map[string][]string{"q2": {"c", "b", "c"}}, "fr")
	if got := a.Questions[1]; !slices.Equal(got.Chosen, []string{"b", "c"}) || !slices.Equal(got.Right, []string{"c", "a"}) ||
		got.Explanation != "q2 because (fr)" || got.ID != "q2" {
		t.Errorf("French reader, q2: %+v", got)
	}
	if got := a.Questions[0]; got.Chosen != nil || got.Correct {
		t.Errorf("unanswered q1: %+v", got)
	}
	if got := q.score(nil, "ar").Questions[2].Explanation; got != "q3 because (en)" {
		t.Errorf("Arabic reader, no Arabic texts: explanation %q; want the English one", got)
	}
	if q.keys[1].Correct[0] != "c" {
		t.Error("scoring reordered the stored right answers")
	}
}

// SubmitAttempt refuses, before anything is kept, answers that name what the quiz does not have
// and several answers to a one-answer question; each problem is on its question's field, in the
// same order on every request.
func TestCheckAnswers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answers map[string][]string
		want    []string // field: key
	}{
		{"valid, with a question left out", map[string][]string{"q1": {"b"}, "q2": {"a", "b"}}, nil},
		{"unknown question", map[string][]string{"q9": {"a"}}, []string{"answers.q9: course.quiz.unknown_question"}},
		{"unknown choice", map[string][]string{"q1": {"z"}}, []string{"answers.q1: course.quiz.unknown_choice"}},
		{"two answers to a one-answer question", map[string][]string{"q1": {"a", "b"}}, []string{"answers.q1: course.quiz.one_choice"}},
		{"several problems, by question", map[string][]string{"q9": {"a"}, "q3": {"x", "z"}, "q1": {"z"}, "q8": nil}, []string{
			"answers.q1: course.quiz.unknown_choice",
			"answers.q3: course.quiz.unknown_choice",
			"answers.q3: course.quiz.one_choice",
			"answers.q8: course.quiz.unknown_question",
			"answers.q9: course.quiz.unknown_question",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 10 { // map order must not show
				err := scoringQuiz(70).check(tc.answers)
				var got []string
				if err != nil {
					for _, fe := range err.(validate.Errors) {
						got = append(got, fe.Field+": "+fe.Key)
					}
				}
				if !slices.Equal(got, tc.want) {
					t.Fatalf("got %v; want %v", got, tc.want)
				}
			}
		})
	}
}
