package templates

import (
	"strconv"
	"time"

	"github.com/a-h/templ"

	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/i18n"
)

// CatalogPage is the course catalogue: its filter form, the courses that match and the learning
// paths.
type CatalogPage struct {
	Page
	Filter    CatalogFilter
	Tags      []Option
	Levels    []Option
	Languages []Option
	Courses   []course.Course
	Curricula []course.Curriculum
	NextURL   string // the next page of courses, "" on the last
}

// CatalogFilter is what the reader asked for in the filter form (GET parameters).
type CatalogFilter struct {
	Query    string // q
	Tag      string // tag
	Level    string // level
	Language string // language: courses written in it
}

// Active tells whether any filter is set, so that the page offers to show every course.
func (f CatalogFilter) Active() bool {
	return f.Query != "" || f.Tag != "" || f.Level != "" || f.Language != ""
}

// CoursePage is one course: its facts, contents and, for a signed-in reader, their progress.
type CoursePage struct {
	Page
	Course        *course.Detail
	Prerequisites []course.Course
	Progress      *course.Progress // nil when signed out
	Continue      *course.LessonRef
	SignInURL     string
	OfflineURL    string
}

// LessonPage is one lesson with the way around it.
type LessonPage struct {
	Page
	Course    *course.Detail
	Module    course.Module
	Lesson    *course.Lesson
	Prev      *course.LessonRef
	Next      *course.LessonRef
	Quiz      *course.QuizRef  // the module's quiz, offered after its last lesson
	Progress  *course.Progress // nil when signed out
	Position  int              // 1-based, in the whole course
	Total     int
	SignInURL string
}

// QuizPage is a quiz as a learner answers it: never its answers.
type QuizPage struct {
	Page
	Course    *course.Detail
	Quiz      *course.Quiz
	Action    string
	Error     string           // the form's problem after a refused submission, translated
	Progress  *course.Progress // nil when signed out
	SignInURL string
}

// QuizResultPage is a scored attempt: the score, each question right or wrong with its
// explanation, and the course's completion when this attempt finished it.
type QuizResultPage struct {
	Page
	Course        *course.Detail
	Quiz          *course.Quiz
	Attempt       *course.Attempt
	JustCompleted bool // this attempt completed the course
}

// CertificatePage is the public verification page and the printable certificate.
type CertificatePage struct {
	Page
	Certificate *course.Certificate
	VerifyURL   string // the absolute address of the verification page, printed on the certificate
}

// CurriculumPage is a learning path with the signed-in reader's progress along it.
type CurriculumPage struct {
	Page
	Curriculum *course.Curriculum
	Progress   map[string]course.Enrollment // by course slug; nil when signed out
	Completed  int                          // courses of the path the reader has completed
	SignInURL  string
}

// AdminCoursesPage lists every course for curriculum managers.
type AdminCoursesPage struct {
	Page
	Courses []course.Stats
}

// AdminCurriculaPage lists the learning paths for curriculum managers.
type AdminCurriculaPage struct {
	Page
	Curricula []course.Curriculum
}

// CurriculumDeletePage asks a curriculum manager to confirm that a learning path is to go.
type CurriculumDeletePage struct {
	Page
	Curriculum *course.Curriculum
	Action     string // where the confirmed deletion is posted
	Cancel     string // back to the list
}

// CurriculumFormPage creates or edits a learning path.
type CurriculumFormPage struct {
	Page
	Heading      string
	Action       string
	Create       bool   // the slug can be chosen only when creating
	DeleteAction string // "" when creating
	Slug         string
	SlugError    string
	Texts        []CurriculumTextField
	Courses      []CurriculumCourseField
	CoursesError string
	Error        string
}

// CurriculumTextField is one language's title and description in the curriculum form.
type CurriculumTextField struct {
	Language         i18n.Language
	Title            string
	Description      string
	TitleError       string
	DescriptionError string
}

// CurriculumCourseField is one course in the curriculum form: whether it is in the path, and
// where.
type CurriculumCourseField struct {
	Course   course.Course
	Included bool
	Position string
	Error    string // about the position, translated; "" when it is fine
}

// langAttrs marks content in another language than the page's (an English fallback) with its
// lang and dir, so that screen readers pronounce it right and Arabic pages lay it out left to
// right. Content in the page's language needs nothing.
func langAttrs(p Page, lang string) templ.Attributes {
	if lang == "" || lang == p.L.Tag {
		return templ.Attributes{}
	}
	return templ.Attributes{"lang": lang, "dir": dirOf(lang)}
}

// dirOf is the writing direction of a language.
func dirOf(lang string) string {
	for _, l := range i18n.Languages {
		if l.Tag == lang {
			return l.Dir
		}
	}
	return "ltr"
}

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

// courseURL is the address of a course page.
func (p Page) courseURL(slug string) string { return p.URL("/courses/" + slug) }

// percent shows a percentage in the reader's language ("40 %" in French).
func (p Page) percent(n int) string {
	return p.L.Tf("course.percent", map[string]any{"Percent": n})
}

// level names a course level.
func (p Page) level(level string) string { return p.L.T("course.level." + level) }

// minutes is an estimated time, in the plural form the number calls for.
func (p Page) minutes(n int) string { return p.L.N("count.minutes", n) }

// canManageCourses tells whether the reader manages courses and curricula.
func (p Page) canManageCourses() bool { return p.User.Has(auth.RoleCurriculumManager) }

// itoa is strconv.Itoa, for attributes.
func itoa(n int) string { return strconv.Itoa(n) }

// choiceTexts names the choices with the given ids, in the question's order.
func choiceTexts(q course.Question, ids []string) []string {
	var out []string
	for _, c := range q.Choices {
		for _, id := range ids {
			if id == c.ID {
				out = append(out, c.Text)
			}
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

// date shows a day as readers of the page's language write it: "14 March 2026", "14 de marzo de
// 2026", "2026年3月14日"; the <time> element around it carries the ISO date for machines.
func (p Page) date(t time.Time) string {
	t = t.UTC()
	return p.L.Tf("date.long", map[string]any{"Day": t.Day(), "Month": p.L.T("date.month." + strconv.Itoa(int(t.Month()))),
		"MonthNumber": int(t.Month()), "Year": t.Year()})
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
