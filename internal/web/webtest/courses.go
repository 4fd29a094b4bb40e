package webtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"capacityhub/internal/app"
	"capacityhub/internal/course"
)

// Course describes a small course for tests: Modules × Lessons, each module with a quiz of two
// questions (q1 single choice, right answer b; q2 multiple choice, right answers a and c; pass
// mark 70, so both must be right). It is written in English and in Langs, which lack the course's
// last lesson: that one falls back to English.
type Course struct {
	Slug    string
	Level   string // introductory when empty
	Tags    []string
	Modules int
	Lessons int // per module
	Langs   []string
}

// The two courses most tests use: radio-basics (2 modules × 2 lessons, en, fr and ar; m2-l2 only
// in English) and spectrum-101 (1 lesson, advanced, English only).
var (
	RadioBasics = Course{Slug: "radio-basics", Tags: []string{"ai", "radio"}, Modules: 2, Lessons: 2, Langs: []string{"fr", "ar"}}
	Spectrum101 = Course{Slug: "spectrum-101", Level: "advanced", Tags: []string{"ai", "spectrum"}, Modules: 1, Lessons: 1}
)

// Words the fixtures use, per language, so that tests can tell which language they got.
var fixtureWords = map[string]struct{ course, lesson, module string }{
	"en": {"Course", "Lesson", "Module"},
	"fr": {"Cours", "Leçon", "Module"},
	"ar": {"دورة", "الدرس", "الوحدة"},
	"es": {"Curso", "Lección", "Módulo"},
}

// LessonSlug is the slug of lesson l of module m in a Course: "m1-l2".
func LessonSlug(m, l int) string { return fmt.Sprintf("m%d-l%d", m, l) }

// AddTo writes the course's files into fsys.
func (s Course) AddTo(fsys fstest.MapFS) {
	file := func(name, text string) { fsys[s.Slug+"/"+name] = &fstest.MapFile{Data: []byte(text)} }
	level, tags := s.Level, []byte("[]")
	if level == "" {
		level = "introductory"
	}
	if len(s.Tags) > 0 {
		tags, _ = json.Marshal(s.Tags)
	}
	var st strings.Builder
	fmt.Fprintf(&st, "level = %q\nestimated_minutes = 30\ntags = %s\nprerequisites = []\n", level, tags)
	for m := 1; m <= s.Modules; m++ {
		var lessons []string
		for l := 1; l <= s.Lessons; l++ {
			lessons = append(lessons, LessonSlug(m, l))
		}
		ls, _ := json.Marshal(lessons)
		fmt.Fprintf(&st, "\n[[modules]]\nslug = \"m%d\"\nlessons = %s\n\n[modules.quiz]\npass_mark = 70\n", m, ls)
		st.WriteString("\n[[modules.quiz.questions]]\nid = \"q1\"\nchoices = [\"a\", \"b\", \"c\"]\ncorrect = [\"b\"]\n")
		st.WriteString("\n[[modules.quiz.questions]]\nid = \"q2\"\nchoices = [\"a\", \"b\", \"c\", \"d\"]\ncorrect = [\"a\", \"c\"]\n")
	}
	file("course.toml", st.String())
	for _, lang := range append([]string{"en"}, s.Langs...) {
		w := fixtureWords[lang]
		var texts strings.Builder
		fmt.Fprintf(&texts, "title = %q\nsummary = %q\n", w.course+" "+s.Slug, "Summary of "+s.Slug+" in "+lang)
		for m := 1; m <= s.Modules; m++ {
			fmt.Fprintf(&texts, "\n[modules.m%d]\ntitle = \"%s %d\"\nquiz_title = \"Quiz %d (%s)\"\n", m, w.module, m, m, lang)
			file(fmt.Sprintf("%s/m%d/quiz.toml", lang, m), fmt.Sprintf(
				"[q1]\ntext = \"Question one (%[1]s)?\"\nexplanation = \"EXPLAIN-q1-%[1]s\"\n\n[q1.choices]\na = \"A\"\nb = \"B\"\nc = \"C\"\n\n"+
					"[q2]\ntext = \"Question two (%[1]s)?\"\nexplanation = \"EXPLAIN-q2-%[1]s\"\n\n[q2.choices]\na = \"A\"\nb = \"B\"\nc = \"C\"\nd = \"D\"\n", lang))
			for l := 1; l <= s.Lessons; l++ {
				if lang != "en" && m == s.Modules && l == s.Lessons {
					continue // not translated: falls back to English
				}
				slug := LessonSlug(m, l)
				file(fmt.Sprintf("%s/m%d/%s.md", lang, m, slug), fmt.Sprintf("# %s %s\n\n## Part one\n\nText of %s in %s.\n", w.lesson, slug, slug, lang))
			}
		}
		file(lang+"/course.toml", texts.String())
	}
}

// ImportCourses builds the courses and imports them, as `content import` would.
func (s *Server) ImportCourses(t testing.TB, specs ...Course) {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, c := range specs {
		c.AddTo(fsys)
	}
	s.ImportFS(t, fsys)
}

// ImportFS imports every course of fsys (a tree like content/), which must check clean.
func (s *Server) ImportFS(t testing.TB, fsys fs.FS) {
	t.Helper()
	sources, problems := course.LoadAll(fsys, app.LessonSlugsTaken)
	if len(problems) > 0 {
		t.Fatalf("fixture courses do not check: %v", problems)
	}
	if _, err := s.Courses.Import(context.Background(), sources); err != nil {
		t.Fatal(err)
	}
}
