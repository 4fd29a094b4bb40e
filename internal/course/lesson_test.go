package course

import (
	"context"
	"testing"

	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
)

// placeCourse is a course of three modules: "basics" (lessons one, two; a quiz), "more" (three;
// no quiz) and "last" (four; a quiz), built by hand as Course returns it.
func placeCourse() *Detail {
	quiz := func(slug string) *QuizRef {
		return &QuizRef{Slug: slug, Title: "Quiz " + slug, Language: "en", PassMark: 70}
	}
	lesson := func(slug, module string, pos int) LessonRef {
		return LessonRef{Slug: slug, Title: "Lesson " + slug, Language: "en", Module: module, Position: pos}
	}
	return &Detail{Course: Course{Slug: "mini"}, Modules: []Module{
		{Slug: "basics", Title: "Basics", Lessons: []LessonRef{lesson("one", "basics", 0), lesson("two", "basics", 1)}, Quiz: quiz("basics")},
		{Slug: "more", Title: "More", Lessons: []LessonRef{lesson("three", "more", 2)}},
		{Slug: "last", Title: "Last", Lessons: []LessonRef{lesson("four", "last", 3)}, Quiz: quiz("last")},
	}}
}

// Place gives a lesson page what it shows around the lesson: the neighbours it links to, "lesson
// n of m", the module it sits in, and the quiz offered after a module's last lesson.
func TestPlace(t *testing.T) {
	slug := func(l *LessonRef) string {
		if l == nil {
			return ""
		}
		return l.Slug
	}
	quiz := func(q *QuizRef) string {
		if q == nil {
			return ""
		}
		return q.Slug
	}
	for _, tc := range []struct {
		name             string
		lesson           string
		ok               bool
		prev, next       string // "" for none
		position, total  int
		module, quizSlug string
	}{
		{"first lesson: no previous, no quiz yet", "one", true, "", "two", 1, 4, "basics", ""},
		{"last lesson of a module with a quiz", "two", true, "one", "three", 2, 4, "basics", "basics"},
		{"only lesson of a module without a quiz", "three", true, "two", "four", 3, 4, "more", ""},
		{"last lesson of the course", "four", true, "three", "", 4, 4, "last", "last"},
		{"a slug the course does not have", "five", false, "", "", 0, 0, "", ""},
		{"a module's slug is no lesson", "basics", false, "", "", 0, 0, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := placeCourse().Place(tc.lesson)
			if ok != tc.ok || slug(p.Prev) != tc.prev || slug(p.Next) != tc.next || p.Position != tc.position ||
				p.Total != tc.total || p.Module.Slug != tc.module || quiz(p.Quiz) != tc.quizSlug {
				t.Errorf("Place(%q) = prev %q, next %q, %d of %d, module %q, quiz %q, ok %v; want prev %q, next %q, %d of %d, module %q, quiz %q, ok %v",
					tc.lesson, slug(p.Prev), slug(p.Next), p.Position, p.Total, p.Module.Slug, quiz(p.Quiz), ok,
					tc.prev, tc.next, tc.position, tc.total, tc.module, tc.quizSlug, tc.ok)
			}
			if ok && p.Prev != nil && p.Prev.Title != "Lesson "+tc.prev {
				t.Errorf("previous lesson's title %q", p.Prev.Title)
			}
		})
	}
	// The neighbours are copies: a page that changes them does not change the course.
	d := placeCourse()
	p, _ := d.Place("two")
	p.Next.Title = "changed"
	if d.Modules[1].Lessons[0].Title != "Lesson three" {
		t.Error("Place's Next points into the course")
	}
}

// On a course as Course reads it, a lesson's place agrees with its stored reading order.
func TestPlaceOfStoredCourse(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.importFS(t, miniCourse())
		det, err := e.s.Course(context.Background(), nil, "mini", "fr")
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range det.Lessons() {
			p, ok := det.Place(l.Slug)
			if !ok || p.Position != l.Position+1 || p.Total != 3 || p.Module.Slug != l.Module {
				t.Errorf("lesson %d (%s): %+v %v", i, l.Slug, p, ok)
			}
		}
		if p, _ := det.Place("two"); p.Quiz == nil || p.Quiz.Title != "Quiz des bases" || p.Module.Title != "Bases" {
			t.Errorf("the quiz after lesson two: %+v", p)
		}
	})
}
