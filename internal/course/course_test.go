package course

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"capacityhub/internal/auth"
	"capacityhub/internal/db"
	"capacityhub/internal/moderation"
	"capacityhub/internal/testenv"
	"capacityhub/internal/validate"
)

// miniCourse is a two-module course in English and French, the second lesson untranslated.
func miniCourse() fstest.MapFS {
	return fstest.MapFS{
		"mini/course.toml": {Data: []byte(`level = "introductory"
estimated_minutes = 30
tags = ["ai", "spectrum"]
prerequisites = []

[[modules]]
slug = "basics"
lessons = ["one", "two"]

[modules.quiz]
pass_mark = 50

[[modules.quiz.questions]]
id = "q1"
choices = ["a", "b", "c"]
correct = ["b"]

[[modules.quiz.questions]]
id = "q2"
choices = ["a", "b", "c"]
correct = ["a", "c"]

[[modules]]
slug = "more"
lessons = ["three"]
`)},
		"mini/en/course.toml":   {Data: []byte("title = \"Mini course\"\nsummary = \"A small course.\"\n[modules.basics]\ntitle = \"Basics\"\nquiz_title = \"Basics quiz\"\n[modules.more]\ntitle = \"More\"\n")},
		"mini/fr/course.toml":   {Data: []byte("title = \"Mini cours\"\nsummary = \"Un petit cours.\"\n[modules.basics]\ntitle = \"Bases\"\nquiz_title = \"Quiz des bases\"\n[modules.more]\ntitle = \"Plus\"\n")},
		"mini/en/basics/one.md": {Data: []byte("# Lesson one\n\nSome **text** <script>alert(1)</script>.\n")},
		"mini/fr/basics/one.md": {Data: []byte("# Leçon un\n\nDu **texte**.\n")},
		"mini/en/basics/two.md": {Data: []byte("# Lesson two\n\nMore text.\n")},
		"mini/en/more/three.md": {Data: []byte("# Lesson three\n\nThe end.\n")},
		"mini/fr/more/three.md": {Data: []byte("# Leçon trois\n\nLa fin.\n")},
		"mini/en/basics/quiz.toml": {Data: []byte(`[q1]
text = "Pick b"
explanation = "Because b."
[q1.choices]
a = "A"
b = "B"
c = "C"
[q2]
text = "Pick a and c"
explanation = "Both."
[q2.choices]
a = "A"
b = "B"
c = "C"
`)},
	}
}

// pageSegments are the lesson slugs the site's course pages reserve (app.LessonSlugsTaken);
// the loader takes them from its caller.
var pageSegments = []string{"offline", "quizzes", "enrollment", "progress", "print"}

type env struct {
	s       *Service
	db      *db.DB
	learner *auth.User
	manager *auth.User
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	e := &env{s: New(d, moderation.NewAuditLog(d), slog.New(slog.NewTextHandler(io.Discard, nil)), []byte("test secret")), db: d}
	for _, u := range []struct {
		id   string
		role auth.Role
		dst  **auth.User
	}{{"learner1", auth.RoleLearner, &e.learner}, {"manager1", auth.RoleCurriculumManager, &e.manager}} {
		if _, err := d.W.Exec(`INSERT INTO users (id, email, name, password_hash, country, created_at, updated_at)
			VALUES ($1, $2, $3, 'x', 'KE', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')`, u.id, u.id+"@example.org", "Wanjiru "+u.id); err != nil {
			t.Fatal(err)
		}
		// NB: the manager has two-step verification on, without which no staff role acts.
		*u.dst = &auth.User{ID: u.id, Name: "Wanjiru " + u.id, Roles: []auth.Role{auth.RoleLearner, u.role}, MFA: u.role != auth.RoleLearner}
	}
	return e
}

func (e *env) importFS(t *testing.T, fsys fstest.MapFS) ImportReport {
	t.Helper()
	sources, problems := LoadAll(fsys, pageSegments)
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	rep, err := e.s.Import(context.Background(), sources)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestCheckReportsProblemsWithPlaces(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(fstest.MapFS)
		file   string
		line   int
		phrase string
	}{
		{"bad level", func(f fstest.MapFS) {
			f["mini/course.toml"].Data = []byte(strings.Replace(string(f["mini/course.toml"].Data), "introductory", "easy", 1))
		}, "mini/course.toml", 1, "level"},
		{"toml syntax", func(f fstest.MapFS) {
			f["mini/en/course.toml"] = &fstest.MapFile{Data: []byte("title = \"x\"\nsummary = \n")}
		}, "mini/en/course.toml", 2, ""},
		{"missing english lesson", func(f fstest.MapFS) { delete(f, "mini/en/basics/two.md") }, "mini/en/basics/two.md", 0, "no English text"},
		{"no title line", func(f fstest.MapFS) { f["mini/fr/basics/one.md"] = &fstest.MapFile{Data: []byte("Leçon\n\ntexte")} }, "mini/fr/basics/one.md", 1, "# Title"},
		{"correct answer not a choice", func(f fstest.MapFS) {
			f["mini/course.toml"].Data = []byte(strings.Replace(string(f["mini/course.toml"].Data), `correct = ["b"]`, `correct = ["z"]`, 1))
		}, "mini/course.toml", 14, `"z"`},
		{"quiz text for unknown question", func(f fstest.MapFS) {
			f["mini/en/basics/quiz.toml"].Data = append(f["mini/en/basics/quiz.toml"].Data, []byte("[q9]\ntext = \"?\"\n")...)
		}, "mini/en/basics/quiz.toml", 15, `"q9"`},
		{"reserved lesson slug", func(f fstest.MapFS) {
			f["mini/course.toml"].Data = []byte(strings.Replace(string(f["mini/course.toml"].Data), `lessons = ["three"]`, `lessons = ["offline"]`, 1))
		}, "mini/course.toml", 25, "reserved"},
		{"translated quiz without a title", func(f fstest.MapFS) {
			f["mini/fr/basics/quiz.toml"] = &fstest.MapFile{Data: f["mini/en/basics/quiz.toml"].Data}
			f["mini/fr/course.toml"].Data = []byte(strings.Replace(string(f["mini/fr/course.toml"].Data), "quiz_title = \"Quiz des bases\"\n", "", 1))
		}, "mini/fr/course.toml", 3, "quiz_title"},
		{"quiz without questions", func(f fstest.MapFS) {
			st := string(f["mini/course.toml"].Data)
			f["mini/course.toml"].Data = []byte(st[:strings.Index(st, "[[modules.quiz.questions]]")] + "[[modules]]\nslug = \"more\"\nlessons = [\"three\"]\n")
		}, "mini/course.toml", 10, "no questions"},
		{"stray file", func(f fstest.MapFS) { f["mini/en/basics/old.md"] = &fstest.MapFile{Data: []byte("# Old\n\nx")} }, "mini/en/basics/old.md", 0, "not part of the course"},
		{"image", func(f fstest.MapFS) {
			f["mini/en/more/three.md"] = &fstest.MapFile{Data: []byte("# T\n\ntext\n![x](http://example.org/a.png)\n")}
		}, "mini/en/more/three.md", 4, "images"},
		{"unknown key", func(f fstest.MapFS) {
			f["mini/en/course.toml"].Data = append(f["mini/en/course.toml"].Data, []byte("subtitle = \"x\"\n")...)
		}, "mini/en/course.toml", 8, "modules.more.subtitle"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := miniCourse()
			tc.edit(f)
			_, problems := LoadAll(f, pageSegments)
			for _, p := range problems {
				if p.File == tc.file && p.Line == tc.line && strings.Contains(p.String(), tc.phrase) {
					return
				}
			}
			t.Fatalf("no problem at %s:%d mentioning %q; got %v", tc.file, tc.line, tc.phrase, problems)
		})
	}
}

// The shipped courses are valid and meet the floor: three courses, each with at least
// three modules, nine lessons of 300 words or more and a quiz of four questions per module, in
// English, French, Spanish and Arabic; one also in Chinese and Russian.
func TestShippedContent(t *testing.T) {
	sources, problems := LoadAll(osDirFS(t, "../../content"), pageSegments)
	if len(problems) > 0 {
		t.Fatalf("the shipped content has problems: %v", problems)
	}
	all6 := 0
	for _, s := range sources {
		for _, lang := range []string{"en", "fr", "es", "ar"} {
			if !strings.Contains(","+strings.Join(s.Languages, ",")+",", ","+lang+",") {
				t.Errorf("%s lacks %s", s.Slug, lang)
			}
		}
		if len(s.Languages) == 6 {
			all6++
		}
		if len(s.Modules) < 3 {
			t.Errorf("%s has %d modules", s.Slug, len(s.Modules))
		}
		lessons := 0
		for _, m := range s.Modules {
			if m.Quiz == nil || len(m.Quiz.Questions) < 4 {
				t.Errorf("%s/%s: quiz with fewer than 4 questions", s.Slug, m.Slug)
			}
			for _, l := range m.Lessons {
				lessons++
				for lang, body := range l.Body {
					if lang != "zh" && countWords(body) < 300 {
						t.Errorf("%s/%s (%s): %d words", s.Slug, l.Slug, lang, countWords(body))
					}
				}
				if len(l.Body) != len(s.Languages) {
					t.Errorf("%s/%s: translated into %d of %d languages", s.Slug, l.Slug, len(l.Body), len(s.Languages))
				}
			}
		}
		if lessons < 9 {
			t.Errorf("%s has %d lessons", s.Slug, lessons)
		}
	}
	if len(sources) < 3 || all6 < 1 {
		t.Errorf("%d courses, %d in all six languages", len(sources), all6)
	}
}

func TestImportIsIdempotentAndKeepsProgress(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		if rep := e.importFS(t, miniCourse()); len(rep.Added) != 1 {
			t.Fatalf("first import: %+v", rep)
		}
		if rep := e.importFS(t, miniCourse()); len(rep.Unchanged) != 1 {
			t.Fatalf("second import changed something: %+v", rep)
		}
		if _, err := e.s.CompleteLesson(ctx, e.learner, "mini", "one"); err != nil {
			t.Fatal(err)
		}
		// The course changes: lesson one is rewritten and moved after lesson two.
		f := miniCourse()
		f["mini/course.toml"].Data = []byte(strings.Replace(string(f["mini/course.toml"].Data), `lessons = ["one", "two"]`, `lessons = ["two", "one"]`, 1))
		f["mini/en/basics/one.md"] = &fstest.MapFile{Data: []byte("# Lesson one, revised\n\nNew text.\n")}
		if rep := e.importFS(t, f); len(rep.Updated) != 1 {
			t.Fatalf("changed course not updated: %+v", rep)
		}
		p, err := e.s.Progress(ctx, e.learner, "mini")
		if err != nil || !p.LessonsDone["one"] || p.CompletedLessons != 1 || p.TotalLessons != 3 {
			t.Fatalf("progress lost by the re-import: %+v %v", p, err)
		}
		l, _ := e.s.Lesson(ctx, "mini", "one", "en")
		if l.Title != "Lesson one, revised" || l.Position != 1 {
			t.Errorf("lesson not updated: %+v", l)
		}
	})
}

// The catalogue knows in which languages a course is written only in part, and learns it again
// at each import: the mini course lacks a French lesson and quiz until they are written.
func TestCatalogKnowsPartialLanguages(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		partial := func() []string {
			t.Helper()
			page, err := e.s.Catalog(ctx, "fr", Filter{})
			if err != nil || len(page.Items) != 1 {
				t.Fatalf("catalogue: %+v %v", page, err)
			}
			return page.Items[0].Partial
		}
		e.importFS(t, miniCourse())
		if got := partial(); !slices.Equal(got, []string{"fr"}) {
			t.Fatalf("written in French in part (no lesson two, no quiz): partial %q, want [fr]", got)
		}
		f := miniCourse()
		f["mini/fr/basics/two.md"] = &fstest.MapFile{Data: []byte("# Leçon deux\n\nLa suite.\n")}
		f["mini/fr/basics/quiz.toml"] = &fstest.MapFile{Data: []byte("[q1]\ntext = \"Choisir b\"\nexplanation = \"Parce que b.\"\n[q1.choices]\na = \"A\"\nb = \"B\"\nc = \"C\"\n" +
			"[q2]\ntext = \"Choisir a et c\"\nexplanation = \"Les deux.\"\n[q2.choices]\na = \"A\"\nb = \"B\"\nc = \"C\"\n")}
		if rep := e.importFS(t, f); len(rep.Updated) != 1 {
			t.Fatalf("the translated course was not updated: %+v", rep)
		}
		if got := partial(); len(got) != 0 {
			t.Errorf("written in French in whole now: partial %q", got)
		}
	})
}

func TestCatalogAndFallback(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		e.importFS(t, miniCourse())
		page, err := e.s.Catalog(ctx, "fr", Filter{Tag: "spectrum"})
		if list := page.Items; err != nil || len(list) != 1 || list[0].Title != "Mini cours" || list[0].Fallback("fr") || page.Next != "" {
			t.Fatalf("French catalogue: %+v %v", page, err)
		}
		page, _ = e.s.Catalog(ctx, "ar", Filter{})
		if list := page.Items; len(list) != 1 || list[0].Title != "Mini course" || !list[0].Fallback("ar") {
			t.Fatalf("Arabic reader should get English with the fallback flag: %+v", list)
		}
		for name, f := range map[string]Filter{"tag": {Tag: "qos"}, "level": {Level: "advanced"}, "language": {ContentLanguage: "ar"},
			"words": {Query: "nothing like it"}, "LIKE wildcard in a tag": {Tag: "a_"}, "LIKE wildcard in words": {Query: "mini_course"}} {
			if page, _ := e.s.Catalog(ctx, "en", f); len(page.Items) != 0 {
				t.Errorf("filter %s matched %d", name, len(page.Items))
			}
		}
		if page, _ := e.s.Catalog(ctx, "en", Filter{Query: "SMALL"}); len(page.Items) != 1 {
			t.Error("search by summary word failed")
		}
		l, err := e.s.Lesson(ctx, "mini", "two", "fr")
		if err != nil || l.Language != "en" || l.Title != "Lesson two" {
			t.Fatalf("untranslated lesson: %+v %v", l, err)
		}
		l, _ = e.s.Lesson(ctx, "mini", "one", "en")
		if strings.Contains(l.HTML, "<script") || !strings.Contains(l.HTML, "<strong>text</strong>") {
			t.Errorf("lesson HTML not sanitized: %s", l.HTML)
		}
		det, err := e.s.Course(ctx, nil, "mini", "fr")
		if err != nil || len(det.Modules) != 2 || det.Modules[0].Title != "Bases" || det.Modules[0].Quiz == nil ||
			det.Modules[0].Quiz.Title != "Quiz des bases" || len(det.Lessons()) != 3 || det.Lessons()[1].Language != "en" {
			t.Fatalf("course detail: %+v %v", det, err)
		}
	})
}

func TestQuizScoringAndCompletion(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		e.importFS(t, miniCourse())
		q, err := e.s.Quiz(ctx, e.learner, "mini", "basics", "fr")
		if err != nil || len(q.Questions) != 2 || !q.Questions[1].Multiple || q.Questions[0].Multiple || q.Language != "en" {
			t.Fatalf("quiz: %+v %v", q, err)
		}
		for _, tc := range []struct {
			name    string
			answers map[string][]string
			score   int
			passed  bool
		}{
			{"all wrong", map[string][]string{"q1": {"a"}, "q2": {"a"}}, 0, false},
			{"one of two", map[string][]string{"q1": {"b"}, "q2": {"a", "b", "c"}}, 50, true},
			{"left out counts wrong", map[string][]string{"q2": {"c", "a"}}, 50, true},
		} {
			a, err := e.s.SubmitAttempt(ctx, e.learner, "mini", "basics", "en", tc.answers)
			if err != nil || a.Score != tc.score || a.Passed != tc.passed {
				t.Errorf("%s: %+v %v; want score %d passed %v", tc.name, a, err, tc.score, tc.passed)
			}
		}
		// A kept attempt can be shown again, to its learner only.
		kept, err := e.s.SubmitAttempt(ctx, e.learner, "mini", "basics", "fr", map[string][]string{"q1": {"b"}})
		if err != nil {
			t.Fatal(err)
		}
		again, err := e.s.AttemptResult(ctx, e.learner, "mini", "basics", kept.ID, "en")
		if err != nil || again.Score != 50 || !again.Questions[0].Correct || again.Questions[1].Correct || again.Questions[0].Explanation != "Because b." {
			t.Errorf("attempt shown again: %+v %v", again, err)
		}
		if _, err := e.s.AttemptResult(ctx, e.manager, "mini", "basics", kept.ID, "en"); !errors.Is(err, ErrNotFound) {
			t.Errorf("another user's attempt: %v, want ErrNotFound", err)
		}
		_, err = e.s.SubmitAttempt(ctx, e.learner, "mini", "basics", "en", map[string][]string{"q1": {"x"}, "q7": {"a"}})
		var ve validate.Errors
		if !errors.As(err, &ve) || len(ve) != 2 {
			t.Errorf("unknown ids: %v", err)
		}
		if mine, _ := e.s.Enrollments(ctx, e.learner, "en"); len(mine) != 1 || mine[0].NextLesson != "one" || mine[0].PassedQuizzes != 1 {
			t.Errorf("before any lesson: next %q, %d quizzes passed", mine[0].NextLesson, mine[0].PassedQuizzes)
		}
		// Lessons remain: no certificate yet. The last lesson completes the course, once, even
		// when several requests finish it at the same moment.
		for _, l := range []string{"one", "two"} {
			if p, err := e.s.CompleteLesson(ctx, e.learner, "mini", l); err != nil || p.Completed {
				t.Fatalf("after %s: %+v %v", l, p, err)
			}
		}
		var wg sync.WaitGroup
		for range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.s.CompleteLesson(ctx, e.learner, "mini", "three"); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		p, _ := e.s.Progress(ctx, e.learner, "mini")
		if !p.Completed || p.CertificateID == "" || p.Percent != 100 {
			t.Fatalf("course not completed: %+v", p)
		}
		var n int
		_ = d.R.QueryRow("SELECT COUNT(*) FROM certificates").Scan(&n)
		if n != 1 {
			t.Fatalf("%d certificates issued, want 1", n)
		}
		c, err := e.s.Certificate(ctx, p.CertificateID, "fr")
		if err != nil || c.Name != "Wanjiru learner1" || c.CourseTitle != "Mini cours" || !c.Valid {
			t.Errorf("certificate: %+v %v", c, err)
		}
		if _, err := e.s.Certificate(ctx, "not-a-certificate", "en"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown certificate: %v", err)
		}
		mine, err := e.s.Enrollments(ctx, e.learner, "fr")
		if err != nil || len(mine) != 1 || mine[0].CertificateID != p.CertificateID || mine[0].Percent != 100 || mine[0].CompletedAt == nil ||
			mine[0].NextLesson != "" || mine[0].PassedQuizzes != 1 || mine[0].TotalQuizzes != 1 {
			t.Errorf("enrollments: %+v %v", mine, err)
		}
	})
}

func TestUnpublishedCoursesAreHidden(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		e.importFS(t, miniCourse())
		if err := e.s.SetPublished(ctx, e.learner, "mini", false); !errors.Is(err, ErrForbidden) {
			t.Fatalf("learner unpublished a course: %v", err)
		}
		if err := e.s.SetPublished(ctx, e.manager, "mini", false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Course(ctx, e.learner, "mini", "en"); !errors.Is(err, ErrNotFound) {
			t.Errorf("learner sees an unpublished course: %v", err)
		}
		if _, err := e.s.Enroll(ctx, e.learner, "mini"); !errors.Is(err, ErrNotFound) {
			t.Errorf("learner enrolled in an unpublished course: %v", err)
		}
		if page, _ := e.s.Catalog(ctx, "en", Filter{}); len(page.Items) != 0 {
			t.Error("unpublished course in the catalogue")
		}
		if _, err := e.s.Course(ctx, e.manager, "mini", "en"); err != nil {
			t.Errorf("manager cannot see it: %v", err)
		}
		stats, err := e.s.CourseStats(ctx, e.manager, "en")
		if err != nil || len(stats) != 1 || stats[0].Published {
			t.Errorf("stats: %+v %v", stats, err)
		}
		var audited int
		_ = d.R.QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = 'course.unpublished' AND actor_id = 'manager1'").Scan(&audited)
		if audited != 1 {
			t.Errorf("unpublishing audited %d times", audited)
		}
	})
}

func TestCurricula(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		f := miniCourse()
		for k, v := range miniCourse() {
			f[strings.Replace(k, "mini/", "next/", 1)] = v
		}
		e.importFS(t, f)
		in := CurriculumInput{Slug: "path", Title: map[string]string{"en": "Path", "fr": "Parcours"},
			Description: map[string]string{"en": "Two courses."}, Courses: []string{"next", "mini"}}
		if err := e.s.SaveCurriculum(ctx, e.learner, in, true); !errors.Is(err, ErrForbidden) {
			t.Fatalf("learner created a curriculum: %v", err)
		}
		if err := e.s.SaveCurriculum(ctx, e.manager, in, true); err != nil {
			t.Fatal(err)
		}
		if err := e.s.SaveCurriculum(ctx, e.manager, in, true); !errors.Is(err, ErrSlugTaken) {
			t.Errorf("second create: %v", err)
		}
		bad := CurriculumInput{Slug: "Bad Slug", Title: map[string]string{"xx": "?"}, Courses: []string{"nope", "nope"}}
		err := e.s.SaveCurriculum(ctx, e.manager, bad, true)
		var ve validate.Errors
		if !errors.As(err, &ve) {
			t.Fatalf("invalid curriculum: %v", err)
		}
		for _, field := range []string{"slug", "title.en", "title.xx", "courses"} {
			if _, ok := ve.For(field); !ok {
				t.Errorf("no error for %s: %v", field, ve)
			}
		}
		// No French description: the English one shows, marked as English.
		lone := CurriculumInput{Slug: "p2", Title: map[string]string{"en": "P2"}, Description: map[string]string{"ar": "وصف"}, Courses: []string{"mini"}}
		if err := e.s.SaveCurriculum(ctx, e.manager, lone, true); !errors.As(err, &ve) {
			t.Errorf("a description without its title was accepted: %v", err)
		} else if _, ok := ve.For("title.ar"); !ok {
			t.Errorf("want an error on title.ar: %v", ve)
		}
		c, err := e.s.Curriculum(ctx, e.learner, "path", "fr")
		if err != nil || c.Title != "Parcours" || c.Description != "Two courses." || c.DescriptionLanguage != "en" || len(c.Courses) != 2 || c.Courses[0].Slug != "next" {
			t.Fatalf("curriculum: %+v %v", c, err)
		}
		in.Courses = []string{"mini", "next"} // reorder
		if err := e.s.SaveCurriculum(ctx, e.manager, in, false); err != nil {
			t.Fatal(err)
		}
		c, _ = e.s.Curriculum(ctx, e.learner, "path", "en")
		if c.Courses[0].Slug != "mini" {
			t.Errorf("reorder not kept: %v", c.Courses)
		}
		_, _ = e.s.CompleteLesson(ctx, e.learner, "mini", "one")
		prog, err := e.s.CurriculumProgress(ctx, e.learner, "path")
		if err != nil || prog["mini"].Percent != 33 {
			t.Errorf("progress along the path: %+v %v", prog, err)
		}
		if err := e.s.DeleteCurriculum(ctx, e.manager, "path"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Curriculum(ctx, e.learner, "path", "en"); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleted curriculum still there: %v", err)
		}
	})
}

func TestCountWords(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int
	}{{"AI for network operations", 4}, {"l'IA au service", 4}, {"人工智能", 4}, {"الذكاء الاصطناعي", 2}, {"", 0}} {
		if got := countWords(tc.s); got != tc.want {
			t.Errorf("countWords(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
}
