package courseweb

import (
	"slices"
	"time"

	"capacityhub/internal/course"
	"capacityhub/internal/i18n"
	"capacityhub/internal/web/site"
)

// What the templates of this package share.

// courseURL is the address of a course page in the page's language, or of a page under it:
// courseURL(p, slug, "quizzes", quiz). Each segment is escaped.
func courseURL(p site.Page, slug string, under ...string) string {
	return p.URL(site.Path(append([]string{"courses", slug}, under...)...))
}

// level names a course level.
func level(p site.Page, level string) string { return p.L.T("course.level." + level) }

// minutes is an estimated time, in the plural form the number calls for.
func minutes(p site.Page, n int) string { return p.L.N("count.minutes", n) }

// languagesOf names content languages, each in itself.
func languagesOf(tags []string) []i18n.Language {
	out := make([]i18n.Language, 0, len(tags))
	for _, l := range i18n.Languages {
		for _, t := range tags {
			if t == l.Tag {
				out = append(out, l)
			}
		}
	}
	return out
}

// languageItem is one of the languages a course is written in, as its facts list them: the
// language's name in itself, then what follows it in the reader's language ("(in part)" when the
// course is written in it only in part, and the list separator but after the last).
type languageItem struct {
	i18n.Language
	After string
}

// languageItems lists the languages c is written in, in i18n.Languages order.
func languageItems(p site.Page, c course.Course) []languageItem {
	langs := languagesOf(c.Languages)
	out := make([]languageItem, len(langs))
	for i, l := range langs {
		out[i].Language = l
		if c.InPart(l.Tag) {
			out[i].After = " " + p.L.T("course.fact.in_part")
		}
		if i < len(langs)-1 {
			out[i].After += p.L.T("list.separator")
		}
	}
	return out
}

// choiceTexts names the choices with the given ids, in the order of ids (sorted, for a learner's
// choices): the question's own order changes with each attempt.
func choiceTexts(q course.Question, ids []string) []string {
	var out []string
	for _, id := range ids {
		if i := slices.IndexFunc(q.Choices, func(c course.Choice) bool { return c.ID == id }); i >= 0 {
			out = append(out, q.Choices[i].Text)
		}
	}
	return out
}

// questionOf is the quiz's question id, with its texts.
func questionOf(q *course.Quiz, id string) course.Question {
	for _, qq := range q.Questions {
		if qq.ID == id {
			return qq
		}
	}
	return course.Question{ID: id}
}

// attempted tells whether the learner has tried the quiz (pr is nil when signed out).
func attempted(pr *course.Progress, quiz string) bool {
	if pr == nil {
		return false
	}
	_, ok := pr.BestScores[quiz]
	return ok
}

// partlyEnglish tells whether some module, lesson or quiz of a course written in lang is not yet
// translated into it, so that the course page can say why some titles are in English.
func partlyEnglish(d *course.Detail, lang string) bool {
	for _, m := range d.Modules {
		if m.Language != lang || m.Quiz != nil && m.Quiz.Language != lang {
			return true
		}
		for _, l := range m.Lessons {
			if l.Language != lang {
				return true
			}
		}
	}
	return false
}

// chosen tells whether a refused form had choice ch of question q selected.
func chosen(answers map[string][]string, q, ch string) bool {
	return slices.Contains(answers[q], ch)
}

// whenText is when a pause ends (a whole minute: course.Standing), in the page's language and
// in UTC: the server does not know the reader's time zone.
func whenText(p site.Page, t time.Time) string {
	t = t.UTC()
	return p.L.Tf("quiz.time", map[string]any{"Date": p.Date(t), "Time": t.Format("15:04")})
}
