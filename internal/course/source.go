// Package course holds the capacity-building half of Capacity Hub: course sources and their
// import, the catalogue, enrolment, progress, quizzes, certificates and curricula.
package course

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// Languages are the languages a course may be written in: the six UN languages.
var Languages = []string{"ar", "zh", "en", "fr", "ru", "es"}

// SourceLanguage is the language every course must have, and the one readers fall back to.
const SourceLanguage = "en"

// Levels a course may have.
var Levels = []string{"introductory", "intermediate", "advanced"}

// importFormat is part of every course's hash: bumping it makes the next import rewrite every
// course once, for a change in how import stores courses (2: quiz titles kept apart).
const importFormat = "capacityhub-import-2\x00"

// DefaultPassMark is a quiz's pass mark when its source sets none, in percent.
const DefaultPassMark = 70

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// reservedLessonSlugs name pages of a course (/courses/{slug}/offline…): no lesson may take them.
var reservedLessonSlugs = []string{"offline", "quizzes", "enrollment", "progress", "print"}

// Source is one course as read from its folder: structure plus texts in each language.
type Source struct {
	Slug             string
	Level            string
	EstimatedMinutes int
	Tags             []string
	Prerequisites    []string
	Languages        []string // those with a <lang>/course.toml, in Languages order
	Title            map[string]string
	Summary          map[string]string
	Modules          []ModuleSource
	Hash             string // of every file of the course: import skips unchanged courses
}

// ModuleSource is one module of a course.
type ModuleSource struct {
	Slug      string
	Title     map[string]string
	QuizTitle map[string]string
	Lessons   []LessonSource
	Quiz      *QuizSource
}

// LessonSource is one lesson, in each language it is written in.
type LessonSource struct {
	Slug  string
	Title map[string]string
	Body  map[string]string // Markdown without the title line
}

// QuizSource is a module's quiz.
type QuizSource struct {
	PassMark  int
	Questions []QuestionSource
}

// QuestionSource is one quiz question: its structure (which choices are right) and its texts.
type QuestionSource struct {
	ID          string
	Choices     []string
	Correct     []string
	Text        map[string]string
	Explanation map[string]string
	ChoiceText  map[string]map[string]string // language -> choice id -> text
}

// Multiple tells whether more than one choice is right ("select all that apply").
func (q QuestionSource) Multiple() bool { return len(q.Correct) > 1 }

// Problem is one thing wrong with the sources, at a file and line (1-based; 0 when the whole file
// is at fault).
type Problem struct {
	File    string
	Line    int
	Message string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, max(p.Line, 1), p.Message) }

// ErrInvalidSources is returned with the list of problems when sources do not check.
var ErrInvalidSources = errors.New("course: invalid sources")

// The TOML shapes of the files.
type structureFile struct {
	Level            string            `toml:"level"`
	EstimatedMinutes int               `toml:"estimated_minutes"`
	Tags             []string          `toml:"tags"`
	Prerequisites    []string          `toml:"prerequisites"`
	Modules          []moduleStructure `toml:"modules"`
}

type moduleStructure struct {
	Slug    string         `toml:"slug"`
	Lessons []string       `toml:"lessons"`
	Quiz    *quizStructure `toml:"quiz"`
}

type quizStructure struct {
	PassMark  int                 `toml:"pass_mark"`
	Questions []questionStructure `toml:"questions"`
}

type questionStructure struct {
	ID      string   `toml:"id"`
	Choices []string `toml:"choices"`
	Correct []string `toml:"correct"`
}

type textsFile struct {
	Title   string `toml:"title"`
	Summary string `toml:"summary"`
	Modules map[string]struct {
		Title     string `toml:"title"`
		QuizTitle string `toml:"quiz_title"`
	} `toml:"modules"`
}

type quizTexts map[string]struct {
	Text        string            `toml:"text"`
	Explanation string            `toml:"explanation"`
	Choices     map[string]string `toml:"choices"`
}

// reader accumulates problems while reading one course folder.
type reader struct {
	fsys     fs.FS
	problems []Problem
	hash     []byte
}

func (r *reader) add(file string, line int, format string, args ...any) {
	r.problems = append(r.problems, Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
}

// read returns the file's bytes, noting a problem when it cannot.
func (r *reader) read(file string) ([]byte, bool) {
	b, err := fs.ReadFile(r.fsys, file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, false
		}
		r.add(file, 0, "cannot read: %v", err)
		return nil, false
	}
	if !utf8.Valid(b) {
		r.add(file, 0, "not UTF-8 text")
		return nil, false
	}
	r.hash = append(r.hash, []byte(file)...)
	r.hash = append(r.hash, 0)
	r.hash = append(r.hash, b...)
	return b, true
}

// decode parses TOML into v, noting a syntax error at its line and any key that means nothing.
func (r *reader) decode(file string, b []byte, v any) bool {
	md, err := toml.Decode(string(b), v)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			r.add(file, pe.Position.Line, "%s", pe.Message)
		} else {
			r.add(file, 0, "%v", err)
		}
		return false
	}
	for _, k := range md.Undecoded() {
		r.add(file, lineOf(b, k[len(k)-1]), "unknown key %q", k.String())
	}
	return true
}

// lineOf is the first line of b that mentions needle, for pointing at a problem; 1 when none does.
func lineOf(b []byte, needle string) int { return lineAfter(b, 1, needle) }

// lineAfter is the first line from line from on that mentions needle, or from when none does:
// question ids repeat from module to module, so a question is looked for below its module.
func lineAfter(b []byte, from int, needle string) int {
	if needle == "" {
		return from
	}
	for i, line := range bytes.Split(b, []byte("\n")) {
		if i+1 >= from && bytes.Contains(line, []byte(needle)) {
			return i + 1
		}
	}
	return from
}

// LoadAll reads every course folder in fsys (folders whose names start with "_" or "." are
// skipped) and checks each. It returns the courses that are valid and every problem found.
func LoadAll(fsys fs.FS) ([]Source, []Problem) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, []Problem{{File: ".", Message: err.Error()}}
	}
	var sources []Source
	var problems []Problem
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), "_") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		s, ps := Load(fsys, e.Name())
		problems = append(problems, ps...)
		if len(ps) == 0 {
			sources = append(sources, s)
		}
	}
	known := map[string]bool{}
	for _, s := range sources {
		known[s.Slug] = true
	}
	for _, s := range sources {
		for _, p := range s.Prerequisites {
			if !known[p] {
				problems = append(problems, Problem{File: s.Slug + "/course.toml", Line: 1, Message: fmt.Sprintf("prerequisite %q is not a course here", p)})
			}
		}
	}
	return sources, problems
}

// Load reads and checks the course in folder dir of fsys.
func Load(fsys fs.FS, dir string) (Source, []Problem) {
	r := &reader{fsys: fsys, hash: []byte(importFormat)}
	s := Source{Slug: dir, Title: map[string]string{}, Summary: map[string]string{}}
	structPath := path.Join(dir, "course.toml")
	if !slugPattern.MatchString(dir) {
		r.add(dir, 0, "folder name %q is not a slug (lowercase a-z, 0-9 and -)", dir)
	}
	b, ok := r.read(structPath)
	if !ok {
		r.add(structPath, 0, "missing: every course folder needs its course.toml")
		return s, r.problems
	}
	var st structureFile
	if !r.decode(structPath, b, &st) {
		return s, r.problems
	}
	r.checkStructure(structPath, b, &st)
	s.Level, s.EstimatedMinutes, s.Tags, s.Prerequisites = st.Level, st.EstimatedMinutes, st.Tags, st.Prerequisites

	for _, lang := range Languages {
		if _, err := fs.Stat(fsys, path.Join(dir, lang, "course.toml")); err == nil {
			s.Languages = append(s.Languages, lang)
		}
	}
	if !slices.Contains(s.Languages, SourceLanguage) {
		r.add(path.Join(dir, SourceLanguage, "course.toml"), 0, "missing: every course needs its English texts")
		return s, r.problems
	}
	if entries, err := fs.ReadDir(fsys, dir); err == nil {
		for _, e := range entries {
			if e.IsDir() && !slices.Contains(Languages, e.Name()) {
				r.add(path.Join(dir, e.Name()), 0, "%q is not a course language (%s)", e.Name(), strings.Join(Languages, ", "))
			}
		}
	}

	texts := map[string]textsFile{}
	for _, lang := range s.Languages {
		file := path.Join(dir, lang, "course.toml")
		b, _ := r.read(file)
		var t textsFile
		if !r.decode(file, b, &t) {
			continue
		}
		texts[lang] = t
		if strings.TrimSpace(t.Title) == "" {
			r.add(file, 1, "title is missing")
		}
		if strings.TrimSpace(t.Summary) == "" {
			r.add(file, lineOf(b, "title"), "summary is missing")
		}
		s.Title[lang], s.Summary[lang] = strings.TrimSpace(t.Title), strings.TrimSpace(t.Summary)
		for slug := range t.Modules {
			if !slices.ContainsFunc(st.Modules, func(m moduleStructure) bool { return m.Slug == slug }) {
				r.add(file, lineOf(b, "[modules."+slug+"]"), "module %q is not in course.toml", slug)
			}
		}
	}

	for _, m := range st.Modules {
		ms := ModuleSource{Slug: m.Slug, Title: map[string]string{}, QuizTitle: map[string]string{}}
		for lang, t := range texts {
			mt, ok := t.Modules[m.Slug]
			file := path.Join(dir, lang, "course.toml")
			switch {
			case ok && strings.TrimSpace(mt.Title) != "":
				ms.Title[lang] = strings.TrimSpace(mt.Title)
			case lang == SourceLanguage:
				r.add(file, 1, "module %q has no title", m.Slug)
			}
			if m.Quiz != nil && strings.TrimSpace(mt.QuizTitle) != "" {
				ms.QuizTitle[lang] = strings.TrimSpace(mt.QuizTitle)
			} else if m.Quiz != nil && lang == SourceLanguage {
				r.add(file, 1, "module %q has a quiz but no quiz_title", m.Slug)
			}
		}
		for _, slug := range m.Lessons {
			ms.Lessons = append(ms.Lessons, r.readLesson(dir, m.Slug, slug, s.Languages))
		}
		if m.Quiz != nil {
			ms.Quiz = r.readQuiz(dir, m.Slug, s.Languages, m.Quiz)
			for _, lang := range s.Languages {
				if len(ms.Quiz.Questions) == 0 {
					break
				}
				if _, translated := ms.Quiz.Questions[0].Text[lang]; translated && ms.QuizTitle[lang] == "" && lang != SourceLanguage {
					r.add(path.Join(dir, lang, "course.toml"), 1, "module %q: its quiz is translated but has no quiz_title here", m.Slug)
				}
			}
		}
		s.Modules = append(s.Modules, ms)
	}
	r.checkStrayFiles(dir, s)
	sum := sha256.Sum256(r.hash)
	s.Hash = hex.EncodeToString(sum[:])
	return s, r.problems
}

// checkStructure checks the language-independent course.toml.
func (r *reader) checkStructure(file string, b []byte, st *structureFile) {
	if !slices.Contains(Levels, st.Level) {
		r.add(file, lineOf(b, "level"), "level %q is not one of %s", st.Level, strings.Join(Levels, ", "))
	}
	if st.EstimatedMinutes <= 0 || st.EstimatedMinutes > 100*60 {
		r.add(file, lineOf(b, "estimated_minutes"), "estimated_minutes must be between 1 and 6000")
	}
	for _, tag := range st.Tags {
		if !slugPattern.MatchString(tag) {
			r.add(file, lineOf(b, "tags"), "tag %q is not lowercase a-z, 0-9 and -", tag)
		}
	}
	if len(st.Modules) == 0 {
		r.add(file, 1, "a course needs at least one [[modules]]")
	}
	modules, lessons := map[string]bool{}, map[string]bool{}
	for _, m := range st.Modules {
		line := lineOf(b, `"`+m.Slug+`"`)
		switch {
		case !slugPattern.MatchString(m.Slug):
			r.add(file, line, "module slug %q is not lowercase a-z, 0-9 and -", m.Slug)
		case modules[m.Slug]:
			r.add(file, line, "module %q appears twice", m.Slug)
		}
		modules[m.Slug] = true
		if len(m.Lessons) == 0 {
			r.add(file, line, "module %q has no lessons", m.Slug)
		}
		for _, l := range m.Lessons {
			ll := lineOf(b, `"`+l+`"`)
			switch {
			case !slugPattern.MatchString(l):
				r.add(file, ll, "lesson slug %q is not lowercase a-z, 0-9 and -", l)
			case lessons[l]:
				r.add(file, ll, "lesson %q appears twice in the course", l)
			case slices.Contains(reservedLessonSlugs, l):
				r.add(file, ll, "lesson slug %q is reserved for the course's own pages; choose another", l)
			}
			lessons[l] = true
		}
		if m.Quiz != nil {
			r.checkQuizStructure(file, b, line, m.Slug, m.Quiz)
		}
	}
}

func (r *reader) checkQuizStructure(file string, b []byte, moduleLine int, module string, q *quizStructure) {
	if q.PassMark == 0 {
		q.PassMark = DefaultPassMark
	}
	if q.PassMark < 1 || q.PassMark > 100 {
		r.add(file, lineAfter(b, moduleLine, "pass_mark"), "quiz of module %q: pass_mark must be between 1 and 100", module)
	}
	if len(q.Questions) == 0 {
		r.add(file, lineAfter(b, moduleLine, "[modules.quiz]"), "quiz of module %q has no questions", module)
	}
	ids := map[string]bool{}
	for _, qs := range q.Questions {
		line := lineAfter(b, moduleLine, `id = "`+qs.ID+`"`)
		if qs.ID == "" || ids[qs.ID] {
			r.add(file, line, "quiz of module %q: question id %q is empty or repeated", module, qs.ID)
		}
		ids[qs.ID] = true
		if len(qs.Choices) < 2 {
			r.add(file, line, "module %q, question %q needs at least two choices", module, qs.ID)
		}
		seen := map[string]bool{}
		for _, c := range qs.Choices {
			if c == "" || seen[c] {
				r.add(file, line, "module %q, question %q: choice id %q is empty or repeated", module, qs.ID, c)
			}
			seen[c] = true
		}
		if len(qs.Correct) == 0 {
			r.add(file, line, "module %q, question %q has no correct choice", module, qs.ID)
		}
		for _, c := range qs.Correct {
			if !seen[c] {
				r.add(file, line, "module %q, question %q: correct choice %q is not among its choices", module, qs.ID, c)
			}
		}
	}
}

// readLesson reads a lesson in every language that has it; English is required.
func (r *reader) readLesson(dir, module, slug string, langs []string) LessonSource {
	l := LessonSource{Slug: slug, Title: map[string]string{}, Body: map[string]string{}}
	for _, lang := range langs {
		file := path.Join(dir, lang, module, slug+".md")
		b, ok := r.read(file)
		if !ok {
			if lang == SourceLanguage {
				r.add(file, 0, "missing: lesson %q has no English text", slug)
			}
			continue
		}
		first, rest, _ := strings.Cut(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
		title := strings.TrimSpace(strings.TrimPrefix(first, "# "))
		if !strings.HasPrefix(first, "# ") || title == "" {
			r.add(file, 1, "the first line must be the lesson title as '# Title'")
			continue
		}
		if strings.TrimSpace(rest) == "" {
			r.add(file, 2, "the lesson has a title but no text")
			continue
		}
		for i, line := range strings.Split(rest, "\n") {
			if strings.HasPrefix(line, "# ") {
				r.add(file, i+2, "only the first line may be a level-one heading; use ## for sections")
			}
			if strings.Contains(line, "![") {
				r.add(file, i+2, "images are not allowed: pages load nothing from another site")
			}
		}
		l.Title[lang], l.Body[lang] = title, strings.TrimSpace(rest)
	}
	return l
}

// readQuiz reads a quiz's texts in every language that has them; English is required, and each
// language's file must name exactly the questions and choices of the structure.
func (r *reader) readQuiz(dir, module string, langs []string, qs *quizStructure) *QuizSource {
	q := &QuizSource{PassMark: qs.PassMark}
	for _, s := range qs.Questions {
		q.Questions = append(q.Questions, QuestionSource{ID: s.ID, Choices: s.Choices, Correct: s.Correct,
			Text: map[string]string{}, Explanation: map[string]string{}, ChoiceText: map[string]map[string]string{}})
	}
	for _, lang := range langs {
		file := path.Join(dir, lang, module, "quiz.toml")
		b, ok := r.read(file)
		if !ok {
			if lang == SourceLanguage {
				r.add(file, 0, "missing: the quiz of module %q has no English text", module)
			}
			continue
		}
		var texts quizTexts
		if !r.decode(file, b, &texts) {
			continue
		}
		for id := range texts {
			if !slices.ContainsFunc(q.Questions, func(x QuestionSource) bool { return x.ID == id }) {
				r.add(file, lineOf(b, "["+id+"]"), "question %q is not in course.toml", id)
			}
		}
		for i := range q.Questions {
			qq := &q.Questions[i]
			t, ok := texts[qq.ID]
			line := lineOf(b, "["+qq.ID+"]")
			if !ok || strings.TrimSpace(t.Text) == "" {
				r.add(file, line, "question %q has no text", qq.ID)
				continue
			}
			if strings.TrimSpace(t.Explanation) == "" {
				r.add(file, line, "question %q has no explanation", qq.ID)
			}
			for _, c := range qq.Choices {
				if strings.TrimSpace(t.Choices[c]) == "" {
					r.add(file, lineOf(b, "["+qq.ID+".choices]"), "question %q: choice %q has no text", qq.ID, c)
				}
			}
			for c := range t.Choices {
				if !slices.Contains(qq.Choices, c) {
					r.add(file, lineOf(b, "["+qq.ID+".choices]"), "question %q: choice %q is not in course.toml", qq.ID, c)
				}
			}
			qq.Text[lang], qq.Explanation[lang] = strings.TrimSpace(t.Text), strings.TrimSpace(t.Explanation)
			qq.ChoiceText[lang] = t.Choices
		}
	}
	return q
}

// checkStrayFiles reports files in a language folder that no lesson or quiz accounts for: most
// often a lesson renamed in one place and not the other.
func (r *reader) checkStrayFiles(dir string, s Source) {
	want := map[string]bool{}
	for _, lang := range s.Languages {
		want[path.Join(dir, lang, "course.toml")] = true
		for _, m := range s.Modules {
			for _, l := range m.Lessons {
				want[path.Join(dir, lang, m.Slug, l.Slug+".md")] = true
			}
			if m.Quiz != nil {
				want[path.Join(dir, lang, m.Slug, "quiz.toml")] = true
			}
		}
	}
	var stray []string
	for _, lang := range s.Languages {
		_ = fs.WalkDir(r.fsys, path.Join(dir, lang), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !want[p] {
				stray = append(stray, p)
			}
			return nil
		})
	}
	sort.Strings(stray)
	for _, p := range stray {
		r.add(p, 0, "not part of the course: no lesson or quiz in course.toml matches this file")
	}
}
