package courseweb

import (
	"slices"

	"capacityhub/internal/course"
	"capacityhub/internal/web/site"
)

// The JSON shapes of the courses API (CONTRACT.md, "Courses and curricula"). Texts are in the
// request's language, each object saying in "language" which one it is in: a missing translation
// falls back to English. Lists come in the site.List envelope.

// CourseJSON is a course as the catalogue lists it.
type CourseJSON struct {
	Slug             string   `json:"slug"`
	Title            string   `json:"title"`
	Summary          string   `json:"summary"`
	Language         string   `json:"language"`
	Languages        []string `json:"languages"`
	PartialLanguages []string `json:"partial_languages"`
	Level            string   `json:"level"`
	EstimatedMinutes int      `json:"estimated_minutes"`
	Tags             []string `json:"tags"`
	Prerequisites    []string `json:"prerequisites"`
	LessonCount      int      `json:"lesson_count"`
	Published        bool     `json:"published"`
}

func toCourseJSON(c course.Course) CourseJSON {
	return CourseJSON{Slug: c.Slug, Title: c.Title, Summary: c.Summary, Language: c.Language, Languages: c.Languages,
		PartialLanguages: c.Partial, Level: c.Level, EstimatedMinutes: c.EstimatedMinutes, Tags: c.Tags, Prerequisites: c.Prerequisites,
		LessonCount: c.LessonCount, Published: c.Published}
}

// CourseDetailJSON is a course with its modules, lessons and quizzes.
type CourseDetailJSON struct {
	CourseJSON
	Modules []ModuleJSON `json:"modules"`
}

// ModuleJSON is one module of a course: its lessons in order and its quiz, if it has one.
type ModuleJSON struct {
	Slug     string          `json:"slug"`
	Title    string          `json:"title"`
	Language string          `json:"language"`
	Lessons  []LessonRefJSON `json:"lessons"`
	Quiz     *QuizRefJSON    `json:"quiz,omitempty"`
}

// LessonRefJSON names a lesson in a course's contents.
type LessonRefJSON struct {
	Slug     string `json:"slug"`
	Title    string `json:"title"`
	Language string `json:"language"`
}

// QuizRefJSON names a module's quiz, with its pass mark (a percentage).
type QuizRefJSON struct {
	Slug     string `json:"slug"`
	Title    string `json:"title"`
	Language string `json:"language"`
	PassMark int    `json:"pass_mark"`
}

func toCourseDetailJSON(d *course.Detail) CourseDetailJSON {
	out := CourseDetailJSON{CourseJSON: toCourseJSON(d.Course), Modules: make([]ModuleJSON, 0, len(d.Modules))}
	for _, m := range d.Modules {
		mj := ModuleJSON{Slug: m.Slug, Title: m.Title, Language: m.Language, Lessons: make([]LessonRefJSON, 0, len(m.Lessons))}
		for _, l := range m.Lessons {
			mj.Lessons = append(mj.Lessons, LessonRefJSON{Slug: l.Slug, Title: l.Title, Language: l.Language})
		}
		if q := m.Quiz; q != nil {
			mj.Quiz = &QuizRefJSON{Slug: q.Slug, Title: q.Title, Language: q.Language, PassMark: q.PassMark}
		}
		out.Modules = append(out.Modules, mj)
	}
	return out
}

// LessonJSON is one lesson's text, with its neighbours in reading order (omitted at either end).
type LessonJSON struct {
	Slug     string    `json:"slug"`
	Title    string    `json:"title"`
	Language string    `json:"language"`
	Course   string    `json:"course"`
	Module   string    `json:"module"`
	HTML     string    `json:"html"`
	Prev     *LinkJSON `json:"prev,omitempty"`
	Next     *LinkJSON `json:"next,omitempty"`
}

// LinkJSON is a neighbouring lesson.
type LinkJSON struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

func toLinkJSON(l *course.LessonRef) *LinkJSON {
	if l == nil {
		return nil
	}
	return &LinkJSON{Slug: l.Slug, Title: l.Title}
}

// ProgressJSON is where the learner stands in a course.
type ProgressJSON struct {
	Enrolled         bool     `json:"enrolled"`
	CompletedLessons int      `json:"completed_lessons"`
	TotalLessons     int      `json:"total_lessons"`
	Percent          int      `json:"percent"`
	PassedQuizzes    int      `json:"passed_quizzes"`
	TotalQuizzes     int      `json:"total_quizzes"`
	Completed        bool     `json:"completed"`
	CertificateID    string   `json:"certificate_id,omitempty"`
	LessonsDone      []string `json:"lessons_done"`
	QuizzesPassed    []string `json:"quizzes_passed"`
}

func toProgressJSON(p *course.Progress) ProgressJSON {
	keys := func(m map[string]bool) []string {
		out := make([]string, 0, len(m))
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	return ProgressJSON{Enrolled: p.Enrolled, CompletedLessons: p.CompletedLessons, TotalLessons: p.TotalLessons,
		Percent: p.Percent, PassedQuizzes: p.PassedQuizzes, TotalQuizzes: p.TotalQuizzes, Completed: p.Completed,
		CertificateID: p.CertificateID, LessonsDone: keys(p.LessonsDone), QuizzesPassed: keys(p.QuizzesPassed)}
}

// QuizJSON is a quiz before an attempt: questions and choices, never which choices are right.
// The choices come in the order of the reader's next attempt. For a signed-in reader it adds
// their standing (StandingJSON).
type QuizJSON struct {
	Slug      string         `json:"slug"`
	Title     string         `json:"title"`
	Language  string         `json:"language"`
	PassMark  int            `json:"pass_mark"`
	Questions []QuestionJSON `json:"questions"`
	StandingJSON
}

// StandingJSON is where a learner stands with a quiz's attempts; every member is absent for a
// visitor. AttemptsLeft is absent once the quiz is passed (no limit then); NextAttemptAt is
// there during a pause only.
type StandingJSON struct {
	Passed        *bool   `json:"passed,omitempty"`
	AttemptsLeft  *int    `json:"attempts_left,omitempty"`
	NextAttemptAt *string `json:"next_attempt_at,omitempty"` // RFC 3339, UTC
}

func toStandingJSON(st *course.Standing) StandingJSON {
	if st == nil {
		return StandingJSON{}
	}
	out := StandingJSON{Passed: &st.Passed}
	if st.Passed {
		return out
	}
	left := st.AttemptsLeft()
	out.AttemptsLeft = &left
	if st.CoolingDown() {
		at := site.APITime(st.NextAttemptAt)
		out.NextAttemptAt = &at
	}
	return out
}

// QuestionJSON is one question; Multiple says whether it takes several answers or one.
type QuestionJSON struct {
	ID       string       `json:"id"`
	Text     string       `json:"text"`
	Multiple bool         `json:"multiple"`
	Choices  []ChoiceJSON `json:"choices"`
}

// ChoiceJSON is one choice of a question.
type ChoiceJSON struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

func toQuizJSON(q *course.Quiz) QuizJSON {
	out := QuizJSON{Slug: q.Slug, Title: q.Title, Language: q.Language, PassMark: q.PassMark, Questions: make([]QuestionJSON, 0, len(q.Questions)),
		StandingJSON: toStandingJSON(q.Standing)}
	for _, qq := range q.Questions {
		qj := QuestionJSON{ID: qq.ID, Text: qq.Text, Multiple: qq.Multiple, Choices: make([]ChoiceJSON, 0, len(qq.Choices))}
		for _, ch := range qq.Choices {
			qj.Choices = append(qj.Choices, ChoiceJSON{ID: ch.ID, Text: ch.Text})
		}
		out.Questions = append(out.Questions, qj)
	}
	return out
}

// AttemptRequest is the body of a quiz attempt: question id -> the ids of the chosen choices.
type AttemptRequest struct {
	Answers map[string][]string `json:"answers"`
}

// AttemptJSON is a scored attempt. Until the learner has passed the quiz (Revealed false), each
// question says only whether it was right, with the explanation of those answered right; once
// passed, the right choices and every explanation too. AttemptsLeft and NextAttemptAt are the
// learner's standing after the attempt (StandingJSON, without its passed).
type AttemptJSON struct {
	ID            string               `json:"id"`
	Score         int                  `json:"score"`
	Passed        bool                 `json:"passed"`
	PassMark      int                  `json:"pass_mark"`
	Revealed      bool                 `json:"revealed"`
	Questions     []QuestionResultJSON `json:"questions"`
	Progress      ProgressJSON         `json:"progress"`
	AttemptsLeft  *int                 `json:"attempts_left,omitempty"`
	NextAttemptAt *string              `json:"next_attempt_at,omitempty"`
}

// QuestionResultJSON is one question of a scored attempt: what was chosen, whether it was right
// and, as AttemptJSON says, what was right and why.
type QuestionResultJSON struct {
	ID             string   `json:"id"`
	Correct        bool     `json:"correct"`
	Chosen         []string `json:"chosen"`
	CorrectChoices []string `json:"correct_choices,omitempty"`
	Explanation    string   `json:"explanation,omitempty"`
}

func toAttemptJSON(a *course.Attempt) AttemptJSON {
	st := toStandingJSON(a.Standing)
	out := AttemptJSON{ID: a.ID, Score: a.Score, Passed: a.Passed, PassMark: a.PassMark, Revealed: a.Revealed, Progress: toProgressJSON(a.Progress),
		AttemptsLeft: st.AttemptsLeft, NextAttemptAt: st.NextAttemptAt, Questions: make([]QuestionResultJSON, 0, len(a.Questions))}
	for _, q := range a.Questions {
		chosen := q.Chosen
		if chosen == nil {
			chosen = []string{}
		}
		out.Questions = append(out.Questions, QuestionResultJSON{ID: q.ID, Correct: q.Correct, Chosen: chosen,
			CorrectChoices: q.Right, Explanation: q.Explanation})
	}
	return out
}

// CertificateJSON is a certificate as anyone may verify it.
type CertificateJSON struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	Course   CertificateCourse `json:"course"`
	IssuedAt string            `json:"issued_at"` // RFC 3339, UTC
	Valid    bool              `json:"valid"`
	URL      string            `json:"url"` // the public verification page
}

// CertificateCourse is the course a certificate is for, titled in the request's language.
type CertificateCourse struct {
	Slug     string `json:"slug"`
	Title    string `json:"title"`
	Language string `json:"language"`
}

func toCertificateJSON(ce *course.Certificate, url string) CertificateJSON {
	return CertificateJSON{ID: ce.ID, Name: ce.Name, IssuedAt: site.APITime(ce.IssuedAt), Valid: ce.Valid,
		Course: CertificateCourse{Slug: ce.CourseSlug, Title: ce.CourseTitle, Language: ce.Language}, URL: url}
}

// CurriculumJSON is a curriculum with its courses in order. language is that of the title;
// description_language says when the description is the English one for want of a translation.
type CurriculumJSON struct {
	Slug                string                 `json:"slug"`
	Title               string                 `json:"title"`
	Description         string                 `json:"description"`
	Language            string                 `json:"language"`
	DescriptionLanguage string                 `json:"description_language"`
	Courses             []CurriculumCourseJSON `json:"courses"`
}

// toCurriculumJSON is cu with its courses, and the reader's progress along them when progress
// is not nil (a signed-in reader; CurriculumProgress never returns nil).
func toCurriculumJSON(cu *course.Curriculum, progress map[string]course.Enrollment) *CurriculumJSON {
	out := &CurriculumJSON{Slug: cu.Slug, Title: cu.Title, Description: cu.Description, Language: cu.Language,
		DescriptionLanguage: cu.DescriptionLanguage, Courses: make([]CurriculumCourseJSON, 0, len(cu.Courses))}
	for _, co := range cu.Courses {
		cj := CurriculumCourseJSON{CourseJSON: toCourseJSON(co)}
		if progress != nil {
			e, ok := progress[co.Slug]
			cj.Progress = &CurriculumProgressJSON{Enrolled: ok, Percent: e.Percent, Completed: e.CompletedAt != nil}
		}
		out.Courses = append(out.Courses, cj)
	}
	return out
}

// CurriculumCourseJSON is one course of a curriculum; progress is there for a signed-in reader.
type CurriculumCourseJSON struct {
	CourseJSON
	Progress *CurriculumProgressJSON `json:"progress,omitempty"`
}

// CurriculumProgressJSON is how far the signed-in reader is in one course of a curriculum.
type CurriculumProgressJSON struct {
	Enrolled  bool `json:"enrolled"`
	Percent   int  `json:"percent"`
	Completed bool `json:"completed"`
}

// CurriculumRequest is the body of POST /curricula.
type CurriculumRequest struct {
	Slug        string            `json:"slug"`
	Title       map[string]string `json:"title"`
	Description map[string]string `json:"description"`
	Courses     []string          `json:"courses"`
}

// CurriculumPatch is the body of PATCH /curricula/{slug}: absent fields keep their value. title
// and description merge by language (a null or empty text removes that language); courses, when
// present, replace the list (that is how a curriculum is reordered).
type CurriculumPatch struct {
	Slug        *string            `json:"slug"`
	Title       map[string]*string `json:"title"`
	Description map[string]*string `json:"description"`
	Courses     *[]string          `json:"courses"`
}
