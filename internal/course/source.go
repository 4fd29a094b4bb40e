package course

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"capacityhub/internal/markdown"
)

// importFormat is part of every course's hash: bumping it makes the next import rewrite every
// course once, for a change in how import stores courses (2: quiz titles kept apart).
const importFormat = "capacityhub-import-2\x00"

// DefaultPassMark is a quiz's pass mark when its source sets none, in percent.
const DefaultPassMark = 70

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

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
	reserved []string // lesson slugs no lesson may take (LoadAll)
	problems []Problem
	hash     []byte
}

func (r *reader) add(file string, line int, format string, args ...any) {
	r.problems = append(r.problems, Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
}

// read returns the file's bytes, noting a problem when it cannot; a file that does not exist is
// left for the caller to report (or not).
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
	// NB: some editors start UTF-8 files with a byte-order mark; it is no part of the text, and
	// left in it would hide a lesson's '# ' title.
	return bytes.TrimPrefix(b, []byte("\ufeff")), true
}

// missing tells whether file does not exist (rather than exists and cannot be read, which read
// has reported).
func (r *reader) missing(file string) bool {
	_, err := fs.Stat(r.fsys, file)
	return errors.Is(err, fs.ErrNotExist)
}

// decode parses TOML into v, noting a syntax error at its line and any key that means nothing.
// NB: when it returns false, callers must check nothing else of the file: every further
// "missing" would only repeat the syntax error.
func (r *reader) decode(file string, b []byte, v any) bool {
	md, err := toml.Decode(string(b), v)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			r.add(file, parseErrorLine(b, pe), "%s", pe.Message)
		} else {
			r.add(file, 0, "%v", err)
		}
		return false
	}
	doc := linesOf(b)
	for _, k := range md.Undecoded() {
		last := k[len(k)-1]
		line, ok := doc.keyLine(last)
		if !ok {
			line = doc.find(last)
		}
		r.add(file, line, "unknown key %q", k.String())
	}
	return true
}

// parseErrorLine is the line of a TOML syntax error. The parser counts a line end that is itself
// the error (`[q1` with no `]`) as the next line; the byte offset it gives is exact.
func parseErrorLine(b []byte, pe toml.ParseError) int {
	if start := pe.Position.Start; pe.Position.Len > 0 && start >= 0 && start <= len(b) {
		return 1 + bytes.Count(b[:start], []byte("\n"))
	}
	return pe.Position.Line
}

// lines is a view of some of a file's lines, for pointing at a problem. The TOML library tells
// where nothing is once a file parses, so problems are placed by finding the table header or key
// that holds them; in an unusual layout where that fails, they fall back to the view's first line.
type lines struct {
	text     [][]byte
	from, to int // the lines in view, 1-based; to is one past the last
}

func linesOf(b []byte) lines {
	text := bytes.Split(b, []byte("\n"))
	return lines{text: text, from: 1, to: len(text) + 1}
}

// find is the first line in view that mentions needle, or the first line in view when none does.
func (l lines) find(needle string) int {
	for n := l.from; n < l.to; n++ {
		if bytes.Contains(l.text[n-1], []byte(needle)) {
			return n
		}
	}
	return l.from
}

// key is the line in view that sets key, or the first line in view when none does.
func (l lines) key(key string) int {
	if n, ok := l.keyLine(key); ok {
		return n
	}
	return l.from
}

func (l lines) keyLine(key string) (int, bool) {
	for n := l.from; n < l.to; n++ {
		rest, ok := bytes.CutPrefix(bytes.TrimSpace(l.text[n-1]), []byte(key))
		if ok && bytes.HasPrefix(bytes.TrimSpace(rest), []byte("=")) {
			return n, true
		}
	}
	return 0, false
}

// tables are views of each table with header h ("[[modules]]") in view: each runs from its header
// to the next header h, so that it holds the tables nested in it.
func (l lines) tables(h string) []lines {
	var out []lines
	for n := l.from; n < l.to; n++ {
		if isHeader(l.text[n-1], h) {
			if len(out) > 0 {
				out[len(out)-1].to = n
			}
			out = append(out, lines{text: l.text, from: n, to: l.to})
		}
	}
	return out
}

// table is the view of the table with header h, up to the next header of any table; ok is false
// (and the view unchanged) when there is no such header.
func (l lines) table(h string) (lines, bool) {
	for n := l.from; n < l.to; n++ {
		if isHeader(l.text[n-1], h) {
			end := n + 1
			for end < l.to && !bytes.HasPrefix(bytes.TrimSpace(l.text[end-1]), []byte("[")) {
				end++
			}
			return lines{text: l.text, from: n, to: end}, true
		}
	}
	return l, false
}

// tableLine is the line of table h's header, or the first line in view when it has none.
func (l lines) tableLine(h string) int {
	t, _ := l.table(h)
	return t.from
}

// top is the view of the keys before the first table.
func (l lines) top() lines {
	for n := l.from; n < l.to; n++ {
		if bytes.HasPrefix(bytes.TrimSpace(l.text[n-1]), []byte("[")) && !bytes.Contains(l.text[n-1], []byte("=")) {
			return lines{text: l.text, from: l.from, to: n}
		}
	}
	return l
}

func isHeader(line []byte, h string) bool {
	rest, ok := bytes.CutPrefix(bytes.TrimSpace(line), []byte(h))
	rest = bytes.TrimSpace(rest)
	return ok && (len(rest) == 0 || rest[0] == '#')
}

// LoadAll reads every course folder in fsys (folders whose names start with "_" or "." are
// skipped) and checks each. It returns the courses that are valid and every problem found.
//
// reserved are the slugs no lesson may take, because the site's course pages use them as path
// segments beside lesson slugs (/{lang}/courses/{slug}/offline): a lesson so named could never
// be reached. The web layer owns that list; this package only enforces it. nil reserves none.
func LoadAll(fsys fs.FS, reserved []string) ([]Source, []Problem) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, []Problem{{File: ".", Message: err.Error()}}
	}
	// Every course folder counts as a course a prerequisite may name, valid or not: a broken
	// course is reported in its own right, not again in each course that names it.
	known := map[string]bool{}
	var dirs []string
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), "_") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		dirs = append(dirs, e.Name())
		known[e.Name()] = true
	}
	// The courses load side by side (rendering their Markdown is most of a server's start-up);
	// results keep the folders' order.
	type loaded struct {
		s  Source
		ps []Problem
	}
	results := make([]loaded, len(dirs))
	var wg sync.WaitGroup
	limit := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, dir := range dirs {
		wg.Go(func() {
			limit <- struct{}{}
			defer func() { <-limit }()
			results[i].s, results[i].ps = load(fsys, dir, known, reserved)
		})
	}
	wg.Wait()
	var sources []Source
	var problems []Problem
	for _, r := range results {
		problems = append(problems, r.ps...)
		if len(r.ps) == 0 {
			sources = append(sources, r.s)
		}
	}
	sortProblems(problems)
	return sources, problems
}

// Load reads and checks the course in folder dir of fsys, with lesson slugs reserved as for
// LoadAll. Prerequisites are not checked: that needs the other courses (LoadAll).
func Load(fsys fs.FS, dir string, reserved []string) (Source, []Problem) {
	s, problems := load(fsys, dir, nil, reserved)
	sortProblems(problems)
	return s, problems
}

// sortProblems orders problems by file, then line, for a reader to work down; problems at the
// same place keep the order in which they were found.
func sortProblems(problems []Problem) {
	slices.SortStableFunc(problems, func(a, b Problem) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
}

// load reads and checks the course in folder dir, and its prerequisites against known when that
// is not nil; no lesson may take a slug of reserved. It goes on past every problem to find the
// others, but reports nothing that only follows from a file that is missing or does not parse.
func load(fsys fs.FS, dir string, known map[string]bool, reserved []string) (Source, []Problem) {
	r := &reader{fsys: fsys, reserved: reserved, hash: []byte(importFormat)}
	s := Source{Slug: dir, Title: map[string]string{}, Summary: map[string]string{}}
	if !slugPattern.MatchString(dir) {
		r.add(dir, 0, "folder name %q is not a slug (lowercase a-z, 0-9 and -)", dir)
	}
	st := r.readStructure(dir, known)
	if st != nil {
		s.Level, s.EstimatedMinutes, s.Tags, s.Prerequisites = st.Level, st.EstimatedMinutes, st.Tags, st.Prerequisites
	}
	r.checkCourseFolder(dir)

	for _, lang := range Languages {
		if _, err := fs.Stat(fsys, path.Join(dir, lang, "course.toml")); err == nil {
			s.Languages = append(s.Languages, lang)
		}
	}
	// English lessons and quizzes are checked even when English texts are missing: the course
	// needs them all the same.
	checked := slices.Clone(s.Languages)
	if !slices.Contains(s.Languages, SourceLanguage) {
		r.add(path.Join(dir, SourceLanguage, "course.toml"), 0, "missing: every course needs its English texts")
		checked = append([]string{SourceLanguage}, s.Languages...)
	}
	// NB: a language folder without its course.toml (or with it misnamed) would otherwise drop
	// the whole translation without a word. Its files are checked all the same.
	for _, lang := range Languages {
		if !slices.Contains(checked, lang) && r.holdsFiles(path.Join(dir, lang)) {
			r.add(path.Join(dir, lang, "course.toml"), 0, "missing: %s/ holds files, but without this file the course is not offered in that language", lang)
			checked = append(checked, lang)
		}
	}
	// A structure without modules is reported once (checkStructure): every module text, lesson
	// and quiz would otherwise be reported again as not in the course.
	if st != nil && len(st.Modules) == 0 {
		st = nil
	}

	texts := map[string]courseTexts{}
	for _, lang := range s.Languages {
		if t, ok := r.readTexts(dir, lang, st); ok {
			texts[lang] = t
			s.Title[lang], s.Summary[lang] = strings.TrimSpace(t.Title), strings.TrimSpace(t.Summary)
		}
	}
	if st == nil {
		return s, r.problems // without the structure or its modules, nothing more can be checked
	}

	seen := map[string]bool{}
	for _, m := range st.Modules {
		ms := ModuleSource{Slug: m.Slug, Title: map[string]string{}, QuizTitle: map[string]string{}}
		repeated := seen[m.Slug] // reported by checkStructure; its texts were checked the first time
		seen[m.Slug] = true
		for _, lang := range s.Languages {
			t, ok := texts[lang]
			if !ok || repeated {
				continue // texts missing or not parsed, or module repeated: reported already
			}
			file := path.Join(dir, lang, "course.toml")
			header := "[modules." + m.Slug + "]"
			mt := t.Modules[m.Slug]
			switch {
			case strings.TrimSpace(mt.Title) != "":
				ms.Title[lang] = strings.TrimSpace(mt.Title)
			case lang == SourceLanguage:
				r.add(file, t.doc.tableLine(header), "module %q has no title", m.Slug)
			}
			switch {
			case m.Quiz == nil && mt.QuizTitle != "":
				mv, _ := t.doc.table(header)
				r.add(file, mv.key("quiz_title"), "module %q has a quiz_title but no quiz in course.toml", m.Slug)
			case m.Quiz != nil && strings.TrimSpace(mt.QuizTitle) != "":
				ms.QuizTitle[lang] = strings.TrimSpace(mt.QuizTitle)
			case m.Quiz != nil && lang == SourceLanguage:
				r.add(file, t.doc.tableLine(header), "module %q has a quiz but no quiz_title", m.Slug)
			}
		}
		for _, slug := range m.Lessons {
			ms.Lessons = append(ms.Lessons, r.readLesson(dir, m.Slug, slug, checked))
		}
		if m.Quiz != nil {
			ms.Quiz = r.readQuiz(dir, m.Slug, checked, m.Quiz)
			for _, lang := range s.Languages {
				t, parsed := texts[lang]
				translated := slices.ContainsFunc(ms.Quiz.Questions, func(q QuestionSource) bool { return q.Text[lang] != "" })
				if parsed && !repeated && translated && ms.QuizTitle[lang] == "" && lang != SourceLanguage {
					r.add(path.Join(dir, lang, "course.toml"), t.doc.tableLine("[modules."+m.Slug+"]"), "module %q: its quiz is translated but has no quiz_title here", m.Slug)
				}
			}
		}
		s.Modules = append(s.Modules, ms)
	}
	r.checkStrayFiles(dir, checked, s.Modules)
	sum := sha256.Sum256(r.hash)
	s.Hash = hex.EncodeToString(sum[:])
	return s, r.problems
}

// readStructure reads and checks a course's course.toml, and its prerequisites against known
// when that is not nil; it returns nil when the file is missing or does not parse.
func (r *reader) readStructure(dir string, known map[string]bool) *structureFile {
	file := path.Join(dir, "course.toml")
	b, ok := r.read(file)
	if !ok {
		if r.missing(file) {
			r.add(file, 0, "missing: every course folder needs its course.toml")
		}
		return nil
	}
	var st structureFile
	if !r.decode(file, b, &st) {
		return nil
	}
	r.checkStructure(file, b, &st)
	if known != nil {
		r.checkPrerequisites(file, b, dir, st.Prerequisites, known)
	}
	return &st
}

// checkPrerequisites reports each prerequisite that names no course folder of known, the course
// itself, or one named before; at the line of the value (or of the key).
func (r *reader) checkPrerequisites(file string, b []byte, dir string, prereqs []string, known map[string]bool) {
	view := linesOf(b).top()
	view.from = view.key("prerequisites")
	seen := map[string]bool{}
	for _, p := range prereqs {
		line := view.find(`"` + p + `"`)
		switch {
		case p == dir:
			r.add(file, line, "prerequisite %q is this course itself", p)
		case seen[p]:
			r.add(file, line, "prerequisite %q appears twice", p)
		case !known[p]:
			r.add(file, line, "prerequisite %q is not a course here", p)
		}
		seen[p] = true
	}
}

// holdsFiles tells whether folder dir holds any file, at any depth.
func (r *reader) holdsFiles(dir string) bool {
	found := false
	_ = fs.WalkDir(r.fsys, dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			found = true
			return fs.SkipAll
		}
		return nil
	})
	return found
}

// checkCourseFolder reports what a course folder holds besides course.toml and language folders.
func (r *reader) checkCourseFolder(dir string) {
	entries, err := fs.ReadDir(r.fsys, dir)
	if err != nil {
		return // course.toml cannot be there either, and is reported
	}
	for _, e := range entries {
		switch {
		case e.IsDir() && !slices.Contains(Languages, e.Name()):
			r.add(path.Join(dir, e.Name()), 0, "%q is not a course language (%s)", e.Name(), strings.Join(Languages, ", "))
		case !e.IsDir() && e.Name() != "course.toml":
			r.add(path.Join(dir, e.Name()), 0, "not part of the course: a course folder holds course.toml and language folders only")
		}
	}
}

// courseTexts is a parsed <lang>/course.toml with its lines, for placing later problems.
type courseTexts struct {
	textsFile
	doc lines
}

// readTexts reads and checks a language's course.toml (against the structure when st is not
// nil); ok is false when it is missing or does not parse.
func (r *reader) readTexts(dir, lang string, st *structureFile) (courseTexts, bool) {
	file := path.Join(dir, lang, "course.toml")
	b, ok := r.read(file)
	if !ok {
		return courseTexts{}, false
	}
	t := courseTexts{doc: linesOf(b)}
	if !r.decode(file, b, &t.textsFile) {
		return courseTexts{}, false
	}
	if strings.TrimSpace(t.Title) == "" {
		r.add(file, t.doc.top().key("title"), "title is missing")
	}
	if strings.TrimSpace(t.Summary) == "" {
		line, ok := t.doc.top().keyLine("summary")
		if !ok {
			line = t.doc.top().key("title")
		}
		r.add(file, line, "summary is missing")
	}
	if st != nil {
		for _, slug := range sortedKeys(t.Modules) {
			if !slices.ContainsFunc(st.Modules, func(m moduleStructure) bool { return m.Slug == slug }) {
				r.add(file, t.doc.tableLine("[modules."+slug+"]"), "module %q is not in course.toml", slug)
			}
		}
	}
	return t, true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// checkStructure checks the language-independent course.toml.
func (r *reader) checkStructure(file string, b []byte, st *structureFile) {
	doc := linesOf(b)
	top := doc.top()
	if !slices.Contains(Levels, st.Level) {
		r.add(file, top.key("level"), "level %q is not one of %s", st.Level, strings.Join(Levels, ", "))
	}
	if st.EstimatedMinutes <= 0 || st.EstimatedMinutes > 100*60 {
		r.add(file, top.key("estimated_minutes"), "estimated_minutes must be between 1 and 6000")
	}
	tags := map[string]bool{}
	for _, tag := range st.Tags {
		switch {
		case !slugPattern.MatchString(tag):
			r.add(file, top.key("tags"), "tag %q is not lowercase a-z, 0-9 and -", tag)
		case tags[tag]:
			r.add(file, top.key("tags"), "tag %q appears twice", tag)
		}
		tags[tag] = true
	}
	if len(st.Modules) == 0 {
		r.add(file, 1, "a course needs at least one [[modules]]")
	}
	views := doc.tables("[[modules]]")
	modules, lessons := map[string]bool{}, map[string]bool{}
	for i, m := range st.Modules {
		var view lines
		if len(views) == len(st.Modules) {
			view = views[i]
		} else { // modules written some other way (inline tables): look for the slug
			view = doc
			view.from = doc.find(`"` + m.Slug + `"`)
		}
		line := view.key("slug")
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
			ll := view.find(`"` + l + `"`)
			switch {
			case !slugPattern.MatchString(l):
				r.add(file, ll, "lesson slug %q is not lowercase a-z, 0-9 and -", l)
			case lessons[l]:
				r.add(file, ll, "lesson %q appears twice in the course", l)
			case slices.Contains(r.reserved, l):
				r.add(file, ll, "lesson slug %q is reserved for the course's own pages; choose another", l)
			}
			lessons[l] = true
		}
		if m.Quiz != nil {
			r.checkQuizStructure(file, view, m.Slug, m.Quiz)
		}
	}
}

// checkQuizStructure checks the quiz of a module, whose lines are in view.
func (r *reader) checkQuizStructure(file string, view lines, module string, q *quizStructure) {
	if q.PassMark == 0 {
		q.PassMark = DefaultPassMark
	}
	quiz, _ := view.table("[modules.quiz]")
	if q.PassMark < 1 || q.PassMark > 100 {
		r.add(file, quiz.key("pass_mark"), "quiz of module %q: pass_mark must be between 1 and 100", module)
	}
	if len(q.Questions) == 0 {
		r.add(file, quiz.from, "quiz of module %q has no questions", module)
	}
	views := view.tables("[[modules.quiz.questions]]")
	ids := map[string]bool{}
	for i, qs := range q.Questions {
		var line int
		if len(views) == len(q.Questions) {
			line = views[i].key("id")
		} else {
			line = view.find(`"` + qs.ID + `"`)
		}
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
		correct := map[string]bool{}
		for _, c := range qs.Correct {
			switch {
			case !seen[c]:
				r.add(file, line, "module %q, question %q: correct choice %q is not among its choices", module, qs.ID, c)
			case correct[c]:
				// NB: a repeat would make a one-answer question "select all that apply".
				r.add(file, line, "module %q, question %q: correct choice %q is listed twice", module, qs.ID, c)
			}
			correct[c] = true
		}
	}
}

// readLesson reads a lesson in every language of langs that has it; English is required.
func (r *reader) readLesson(dir, module, slug string, langs []string) LessonSource {
	l := LessonSource{Slug: slug, Title: map[string]string{}, Body: map[string]string{}}
	for _, lang := range langs {
		file := path.Join(dir, lang, module, slug+".md")
		b, ok := r.read(file)
		if !ok {
			if lang == SourceLanguage && r.missing(file) {
				r.add(file, 0, "missing: lesson %q has no English text", slug)
			}
			continue
		}
		// NB: goldmark's time grows faster than its input on some shapes; a lesson over the
		// limits is refused here, before Inspect (or import's Render) parses it.
		var limit *markdown.Error
		if err := markdown.Check(b, markdown.MaxLessonBytes); errors.As(err, &limit) {
			if errors.Is(err, markdown.ErrTooLarge) {
				r.add(file, 1, "the lesson is too long (%s): split it into two lessons", limit.Reason)
			} else {
				r.add(file, limit.Line, "too complex to render (%s)", limit.Reason)
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
		// The body starts on the file's line 2.
		outline := markdown.Inspect([]byte(rest))
		for _, n := range outline.Headings {
			r.add(file, n+1, "only the first line may be a level-one heading; use ## for sections")
		}
		for _, n := range outline.Images {
			r.add(file, n+1, "images are not allowed: pages load nothing from another site")
		}
		l.Title[lang], l.Body[lang] = title, strings.TrimSpace(rest)
	}
	return l
}

// readQuiz reads a quiz's texts in every language of langs that has them; English is required,
// and each language's file must name exactly the questions and choices of the structure.
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
			if lang == SourceLanguage && r.missing(file) {
				r.add(file, 0, "missing: the quiz of module %q has no English text", module)
			}
			continue
		}
		var texts quizTexts
		if !r.decode(file, b, &texts) {
			continue
		}
		doc := linesOf(b)
		questionLine := func(id string) int {
			if t, ok := doc.table("[" + id + "]"); ok {
				return t.from
			}
			return doc.find("[" + id + ".")
		}
		for _, id := range sortedKeys(texts) {
			if !slices.ContainsFunc(q.Questions, func(x QuestionSource) bool { return x.ID == id }) {
				r.add(file, questionLine(id), "question %q is not in course.toml", id)
			}
		}
		for i := range q.Questions {
			qq := &q.Questions[i]
			t, ok := texts[qq.ID]
			line := questionLine(qq.ID)
			if !ok || strings.TrimSpace(t.Text) == "" {
				r.add(file, line, "question %q has no text", qq.ID)
				continue
			}
			if strings.TrimSpace(t.Explanation) == "" {
				r.add(file, line, "question %q has no explanation", qq.ID)
			}
			choices, found := doc.table("[" + qq.ID + ".choices]")
			if !found {
				choices.from = line
			}
			for _, c := range qq.Choices {
				if strings.TrimSpace(t.Choices[c]) == "" {
					r.add(file, choices.from, "question %q: choice %q has no text", qq.ID, c)
				}
			}
			for _, c := range sortedKeys(t.Choices) {
				if !slices.Contains(qq.Choices, c) {
					r.add(file, choices.key(c), "question %q: choice %q is not in course.toml", qq.ID, c)
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
func (r *reader) checkStrayFiles(dir string, langs []string, modules []ModuleSource) {
	want := map[string]bool{}
	for _, lang := range langs {
		want[path.Join(dir, lang, "course.toml")] = true
		for _, m := range modules {
			for _, l := range m.Lessons {
				want[path.Join(dir, lang, m.Slug, l.Slug+".md")] = true
			}
			if m.Quiz != nil {
				want[path.Join(dir, lang, m.Slug, "quiz.toml")] = true
			}
		}
	}
	var stray []string
	for _, lang := range langs {
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

// Coverage is how much of a course is written in one language: lessons and quizzes (a quiz counts
// when every one of its questions is).
type Coverage struct {
	Lang                  string
	Lessons, LessonsTotal int
	Quizzes, QuizzesTotal int
}

// Complete tells whether the course reads wholly in the language, with no English fallback.
func (c Coverage) Complete() bool { return c.Lessons == c.LessonsTotal && c.Quizzes == c.QuizzesTotal }

// Coverage is the course's coverage in each of its languages, in Languages order.
func (s Source) Coverage() []Coverage {
	out := make([]Coverage, 0, len(s.Languages))
	for _, lang := range s.Languages {
		c := Coverage{Lang: lang}
		for _, m := range s.Modules {
			for _, l := range m.Lessons {
				c.LessonsTotal++
				if _, ok := l.Body[lang]; ok {
					c.Lessons++
				}
			}
			if m.Quiz == nil {
				continue
			}
			c.QuizzesTotal++
			written := true
			for _, q := range m.Quiz.Questions {
				if _, ok := q.Text[lang]; !ok {
					written = false
				}
			}
			if written {
				c.Quizzes++
			}
		}
		out = append(out, c)
	}
	return out
}
