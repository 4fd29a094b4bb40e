package course

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"capacityhub/internal/markdown"
)

// replaceIn edits one file of f, failing the test when old is not there to replace.
func replaceIn(t *testing.T, f fstest.MapFS, file, old, new string) {
	t.Helper()
	text := string(f[file].Data)
	if !strings.Contains(text, old) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	f[file].Data = []byte(strings.Replace(text, old, new, 1))
}

// withOther adds a copy of the mini course as the course "other", for prerequisites to name.
func withOther(f fstest.MapFS) {
	for name, file := range miniCourse() {
		f["other/"+strings.TrimPrefix(name, "mini/")] = &fstest.MapFile{Data: file.Data}
	}
}

// Each broken copy of the sources gives exactly its problems, each at the line to fix: every one,
// however many there are in a course, and none that only follows from another.
func TestCheckReportsEveryProblemAndOnlyThose(t *testing.T) {
	const notLanguage = `"de" is not a course language (ar, zh, en, fr, ru, es)`
	for _, tc := range []struct {
		name string
		edit func(*testing.T, fstest.MapFS)
		want []string
	}{
		{"bad prerequisite, at its key", func(t *testing.T, f fstest.MapFS) {
			replaceIn(t, f, "mini/course.toml", "prerequisites = []", `prerequisites = ["nowhere"]`)
		}, []string{`mini/course.toml:4: prerequisite "nowhere" is not a course here`}},
		{"bad prerequisite beside another problem", func(t *testing.T, f fstest.MapFS) {
			replaceIn(t, f, "mini/course.toml", "prerequisites = []", `prerequisites = ["nowhere"]`)
			replaceIn(t, f, "mini/course.toml", "introductory", "easy")
		}, []string{
			`mini/course.toml:1: level "easy" is not one of introductory, intermediate, advanced`,
			`mini/course.toml:4: prerequisite "nowhere" is not a course here`,
		}},
		{"bad prerequisite on its own line", func(t *testing.T, f fstest.MapFS) {
			withOther(f)
			replaceIn(t, f, "mini/course.toml", "prerequisites = []", "prerequisites = [\n  \"other\",\n  \"nowhere\",\n]")
		}, []string{`mini/course.toml:6: prerequisite "nowhere" is not a course here`}},
		{"prerequisite that is itself broken", func(t *testing.T, f fstest.MapFS) {
			withOther(f)
			replaceIn(t, f, "mini/course.toml", "prerequisites = []", `prerequisites = ["other"]`)
			replaceIn(t, f, "other/course.toml", "introductory", "easy")
		}, []string{`other/course.toml:1: level "easy" is not one of introductory, intermediate, advanced`}},
		{"prerequisite repeated or the course itself", func(t *testing.T, f fstest.MapFS) {
			withOther(f)
			replaceIn(t, f, "mini/course.toml", "prerequisites = []", `prerequisites = ["mini", "other", "other"]`)
		}, []string{
			`mini/course.toml:4: prerequisite "mini" is this course itself`,
			`mini/course.toml:4: prerequisite "other" appears twice`,
		}},
		{"English texts and quiz missing", func(t *testing.T, f fstest.MapFS) {
			delete(f, "mini/en/course.toml")
			delete(f, "mini/en/basics/quiz.toml")
		}, []string{
			`mini/en/basics/quiz.toml:1: missing: the quiz of module "basics" has no English text`,
			"mini/en/course.toml:1: missing: every course needs its English texts",
		}},
		{"course.toml missing: texts still checked", func(t *testing.T, f fstest.MapFS) {
			delete(f, "mini/course.toml")
			f["mini/fr/course.toml"].Data = []byte("title = \"Mini cours\"\nsummary = \n")
		}, []string{
			"mini/course.toml:1: missing: every course folder needs its course.toml",
			"mini/fr/course.toml:2: expected value but found '\\n' instead",
		}},
		{"course.toml does not parse: texts still checked", func(t *testing.T, f fstest.MapFS) {
			replaceIn(t, f, "mini/course.toml", "estimated_minutes = 30", "estimated_minutes = = 30")
			replaceIn(t, f, "mini/en/course.toml", "summary = \"A small course.\"", `summary = ""`)
		}, []string{
			"mini/course.toml:2: expected value but found '=' instead",
			"mini/en/course.toml:2: summary is missing",
		}},
		{"translated texts do not parse: nothing follows", func(t *testing.T, f fstest.MapFS) {
			f["mini/fr/basics/quiz.toml"] = &fstest.MapFile{Data: f["mini/en/basics/quiz.toml"].Data}
			replaceIn(t, f, "mini/fr/course.toml", `summary = "Un petit cours."`, `summary = = "Un petit cours."`)
		}, []string{"mini/fr/course.toml:2: expected value but found '=' instead"}},
		{"English texts do not parse: nothing follows", func(t *testing.T, f fstest.MapFS) {
			replaceIn(t, f, "mini/en/course.toml", `title = "Mini course"`, `title = "Mini course`)
		}, []string{"mini/en/course.toml:1: strings cannot contain newlines"}},
		{"unclosed table header, at its own line", func(t *testing.T, f fstest.MapFS) {
			replaceIn(t, f, "mini/en/basics/quiz.toml", "[q2]", "[q2")
		}, []string{`mini/en/basics/quiz.toml:8: expected '.' or ']' to end table name, but got '\n' instead`}},
		{"lesson not UTF-8: not also missing", func(t *testing.T, f fstest.MapFS) {
			f["mini/en/basics/one.md"] = &fstest.MapFile{Data: []byte("# One\n\n\xff\xfe\n")}
		}, []string{"mini/en/basics/one.md:1: not UTF-8 text"}},
		{"lesson repeated in a later module, at the repeat", func(t *testing.T, f fstest.MapFS) {
			replaceIn(t, f, "mini/course.toml", `lessons = ["three"]`, `lessons = ["three", "one"]`)
		}, []string{
			`mini/course.toml:25: lesson "one" appears twice in the course`,
			`mini/en/more/one.md:1: missing: lesson "one" has no English text`,
		}},
		{"module repeated, at the repeat", func(t *testing.T, f fstest.MapFS) {
			f["mini/course.toml"].Data = append(f["mini/course.toml"].Data, "\n[[modules]]\nslug = \"basics\"\nlessons = [\"four\"]\n"...)
		}, []string{
			`mini/course.toml:28: module "basics" appears twice`,
			`mini/en/basics/four.md:1: missing: lesson "four" has no English text`,
		}},
		{"question id repeated, at the repeat", func(t *testing.T, f fstest.MapFS) {
			replaceIn(t, f, "mini/course.toml", `id = "q2"`, `id = "q1"`)
		}, []string{
			`mini/course.toml:19: quiz of module "basics": question id "q1" is empty or repeated`,
			`mini/en/basics/quiz.toml:8: question "q2" is not in course.toml`,
		}},
		{"no correct choice", func(t *testing.T, f fstest.MapFS) {
			replaceIn(t, f, "mini/course.toml", `correct = ["b"]`, `correct = []`)
		}, []string{`mini/course.toml:14: module "basics", question "q1" has no correct choice`}},
		{"correct choice listed twice", func(t *testing.T, f fstest.MapFS) {
			replaceIn(t, f, "mini/course.toml", `correct = ["b"]`, `correct = ["b", "b"]`)
		}, []string{`mini/course.toml:14: module "basics", question "q1": correct choice "b" is listed twice`}},
		{"choice text for an unknown choice, at its key", func(t *testing.T, f fstest.MapFS) {
			replaceIn(t, f, "mini/en/basics/quiz.toml", "c = \"C\"\n[q2]", "c = \"C\"\nz = \"Z\"\n[q2]")
		}, []string{`mini/en/basics/quiz.toml:8: question "q1": choice "z" is not in course.toml`}},
		{"repeated tag", func(t *testing.T, f fstest.MapFS) {
			replaceIn(t, f, "mini/course.toml", `tags = ["ai", "spectrum"]`, `tags = ["ai", "spectrum", "ai"]`)
		}, []string{`mini/course.toml:3: tag "ai" appears twice`}},
		{"unknown language folder", func(t *testing.T, f fstest.MapFS) {
			f["mini/de/course.toml"] = &fstest.MapFile{Data: f["mini/fr/course.toml"].Data}
		}, []string{"mini/de:1: " + notLanguage}},
		{"file beside course.toml", func(t *testing.T, f fstest.MapFS) {
			f["mini/notes.txt"] = &fstest.MapFile{Data: []byte("to do")}
		}, []string{"mini/notes.txt:1: not part of the course: a course folder holds course.toml and language folders only"}},
		{"quiz title for a module without a quiz", func(t *testing.T, f fstest.MapFS) {
			f["mini/en/course.toml"].Data = append(f["mini/en/course.toml"].Data, "quiz_title = \"More quiz\"\n"...)
		}, []string{`mini/en/course.toml:8: module "more" has a quiz_title but no quiz in course.toml`}},
		{"module without an English title, at its table", func(t *testing.T, f fstest.MapFS) {
			replaceIn(t, f, "mini/en/course.toml", "title = \"More\"\n", "")
			f["mini/en/course.toml"].Data = append(f["mini/en/course.toml"].Data, "# no title yet\n"...)
		}, []string{`mini/en/course.toml:6: module "more" has no title`}},
		{"'#' and '![' in a code block are code", func(t *testing.T, f fstest.MapFS) {
			f["mini/en/basics/one.md"] = &fstest.MapFile{Data: []byte("# One\n\nRun:\n\n```sh\n# list files\necho '![x](y)'\n```\n\n~~~\n# too\n~~~\n")}
		}, nil},
		{"lesson over the Markdown cap, at line 1, nothing else read", func(t *testing.T, f fstest.MapFS) {
			text := "# One\n\n# Not a title\n" + strings.Repeat("word ", markdown.MaxLessonBytes/5)
			f["mini/en/basics/one.md"] = &fstest.MapFile{Data: []byte(text)}
		}, []string{fmt.Sprintf("mini/en/basics/one.md:1: the lesson is too long (%d bytes; at most %d): split it into two lessons",
			len("# One\n\n# Not a title\n")+markdown.MaxLessonBytes/5*5, markdown.MaxLessonBytes)}},
		{"lesson at the Markdown cap", func(t *testing.T, f fstest.MapFS) {
			head := "# One\n\n"
			f["mini/en/basics/one.md"] = &fstest.MapFile{Data: []byte(head + strings.Repeat("x", markdown.MaxLessonBytes-len(head)))}
		}, nil},
		{"translated lesson nested too deep, at its line", func(t *testing.T, f fstest.MapFS) {
			f["mini/fr/basics/one.md"] = &fstest.MapFile{Data: []byte("# Un\n\nTexte.\n\n" + strings.Repeat("> ", markdown.MaxNesting+1) + "x\n")}
		}, []string{fmt.Sprintf("mini/fr/basics/one.md:5: too complex to render (%d quotes and list items on one line; at most %d)", markdown.MaxNesting+1, markdown.MaxNesting)}},
		{"several problems in one course", func(t *testing.T, f fstest.MapFS) {
			replaceIn(t, f, "mini/course.toml", "introductory", "easy")
			replaceIn(t, f, "mini/course.toml", "prerequisites = []", `prerequisites = ["nowhere"]`)
			delete(f, "mini/en/course.toml")
			delete(f, "mini/en/basics/two.md")
			delete(f, "mini/en/basics/quiz.toml")
			f["mini/fr/course.toml"].Data = []byte("title = \"Mini cours\"\nsummary = \n")
			f["mini/fr/more/three.md"] = &fstest.MapFile{Data: []byte("Leçon trois\n")}
			f["mini/de/course.toml"] = &fstest.MapFile{Data: []byte("title = \"Mini-Kurs\"\n")}
		}, []string{
			`mini/course.toml:1: level "easy" is not one of introductory, intermediate, advanced`,
			`mini/course.toml:4: prerequisite "nowhere" is not a course here`,
			"mini/de:1: " + notLanguage,
			`mini/en/basics/quiz.toml:1: missing: the quiz of module "basics" has no English text`,
			`mini/en/basics/two.md:1: missing: lesson "two" has no English text`,
			"mini/en/course.toml:1: missing: every course needs its English texts",
			"mini/fr/course.toml:2: expected value but found '\\n' instead",
			"mini/fr/more/three.md:1: the first line must be the lesson title as '# Title'",
		}},
		{"problems in one file come out by line", func(t *testing.T, f fstest.MapFS) {
			replaceIn(t, f, "mini/en/course.toml", "title = \"Basics\"\n", "")
			f["mini/en/course.toml"].Data = append(f["mini/en/course.toml"].Data, "[modules.extra]\ntitle = \"Extra\"\n"...)
		}, []string{
			`mini/en/course.toml:3: module "basics" has no title`,
			`mini/en/course.toml:7: module "extra" is not in course.toml`,
		}},
		{"'```' inline is no fence: the rest is still checked", func(t *testing.T, f fstest.MapFS) {
			f["mini/en/basics/one.md"] = &fstest.MapFile{Data: []byte("# One\n\n```x = 1``` is inline code.\n\n# Again\n\n![x](https://example.org/a.png)\n")}
		}, []string{
			"mini/en/basics/one.md:5: only the first line may be a level-one heading; use ## for sections",
			"mini/en/basics/one.md:7: images are not allowed: pages load nothing from another site",
		}},
		{"indented and setext level-one headings", func(t *testing.T, f fstest.MapFS) {
			f["mini/en/basics/one.md"] = &fstest.MapFile{Data: []byte("# One\n\n  # Indented\n\nUnderlined\n==========\n\nSection\n-------\n")}
		}, []string{
			"mini/en/basics/one.md:3: only the first line may be a level-one heading; use ## for sections",
			"mini/en/basics/one.md:5: only the first line may be a level-one heading; use ## for sections",
		}},
		{"'![x]' in inline code is code", func(t *testing.T, f fstest.MapFS) {
			f["mini/en/basics/one.md"] = &fstest.MapFile{Data: []byte("# One\n\nAn image is written `![x](y)`, or ``![x]``.\n")}
		}, nil},
		{"image on the second line of a paragraph, at its line", func(t *testing.T, f fstest.MapFS) {
			f["mini/en/basics/one.md"] = &fstest.MapFile{Data: []byte("# One\n\nA map\nof ![](https://example.org/a.png) cells.\n")}
		}, []string{"mini/en/basics/one.md:4: images are not allowed: pages load nothing from another site"}},
		{"byte-order marks are no text", func(t *testing.T, f fstest.MapFS) {
			f["mini/en/basics/one.md"].Data = append([]byte("\ufeff"), f["mini/en/basics/one.md"].Data...)
			f["mini/fr/course.toml"].Data = append([]byte("\ufeff"), f["mini/fr/course.toml"].Data...)
		}, nil},
		{"byte-order mark before a TOML table, problem at the table", func(t *testing.T, f fstest.MapFS) {
			f["mini/en/basics/quiz.toml"].Data = append([]byte("\ufeff"), f["mini/en/basics/quiz.toml"].Data...)
			replaceIn(t, f, "mini/en/basics/quiz.toml", "explanation = \"Because b.\"\n", "")
		}, []string{`mini/en/basics/quiz.toml:1: question "q1" has no explanation`}},
		{"language folder with its course.toml misnamed", func(t *testing.T, f fstest.MapFS) {
			f["mini/fr/course.tml"] = f["mini/fr/course.toml"]
			delete(f, "mini/fr/course.toml")
		}, []string{
			"mini/fr/course.tml:1: not part of the course: no lesson or quiz in course.toml matches this file",
			"mini/fr/course.toml:1: missing: fr/ holds files, but without this file the course is not offered in that language",
		}},
		{"language folder without course.toml: its files still checked", func(t *testing.T, f fstest.MapFS) {
			f["mini/es/basics/one.md"] = &fstest.MapFile{Data: []byte("Lección uno\n")}
			f["mini/es/basics/old.md"] = &fstest.MapFile{Data: []byte("# Vieja\n\ntexto\n")}
		}, []string{
			"mini/es/basics/old.md:1: not part of the course: no lesson or quiz in course.toml matches this file",
			"mini/es/basics/one.md:1: the first line must be the lesson title as '# Title'",
			"mini/es/course.toml:1: missing: es/ holds files, but without this file the course is not offered in that language",
		}},
		{"empty language folder", func(t *testing.T, f fstest.MapFS) {
			f["mini/es/basics"] = &fstest.MapFile{Mode: fs.ModeDir | 0o755}
		}, nil},
		{"empty course.toml: no flood of follow-on problems", func(t *testing.T, f fstest.MapFS) {
			f["mini/course.toml"].Data = nil
		}, []string{
			`mini/course.toml:1: level "" is not one of introductory, intermediate, advanced`,
			"mini/course.toml:1: estimated_minutes must be between 1 and 6000",
			"mini/course.toml:1: a course needs at least one [[modules]]",
		}},
		{"course.toml without modules: that one problem", func(t *testing.T, f fstest.MapFS) {
			st := string(f["mini/course.toml"].Data)
			f["mini/course.toml"].Data = []byte(st[:strings.Index(st, "[[modules]]")])
		}, []string{"mini/course.toml:1: a course needs at least one [[modules]]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := miniCourse()
			tc.edit(t, f)
			sources, problems := LoadAll(f, pageSegments)
			var got []string
			for _, p := range problems {
				got = append(got, p.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
			valid := !slices.ContainsFunc(tc.want, func(p string) bool { return strings.HasPrefix(p, "mini/") })
			if got := slices.ContainsFunc(sources, func(s Source) bool { return s.Slug == "mini" }); got != valid {
				t.Errorf("mini among the valid courses: %v; want %v (only when it has no problem)", got, valid)
			}
		})
	}
}

// The same problems come out in the same order on every run: maps are not read in their order.
func TestCheckIsDeterministic(t *testing.T) {
	f := miniCourse()
	f["mini/en/basics/quiz.toml"].Data = append(f["mini/en/basics/quiz.toml"].Data, "[q7]\ntext = \"?\"\n[q8]\ntext = \"?\"\n[q9]\ntext = \"?\"\n"...)
	f["mini/en/course.toml"].Data = append(f["mini/en/course.toml"].Data, "[modules.x]\ntitle = \"X\"\n[modules.y]\ntitle = \"Y\"\n"...)
	_, first := LoadAll(f, pageSegments)
	if len(first) != 5 {
		t.Fatalf("got %v; want five problems", first)
	}
	for range 20 {
		if _, again := LoadAll(f, pageSegments); !slices.Equal(again, first) {
			t.Fatalf("problems came out as %v, then as %v", first, again)
		}
	}
}

// The loader refuses exactly the lesson slugs its caller reserves (the web layer's page
// segments), and says why, at the lesson's line; it knows no list of its own.
func TestLoadRefusesTheLessonSlugsItIsGiven(t *testing.T) {
	// renameThree renames lesson "three" of module "more", in course.toml and its files.
	renameThree := func(t *testing.T, f fstest.MapFS, slug string) {
		replaceIn(t, f, "mini/course.toml", `lessons = ["three"]`, `lessons = ["`+slug+`"]`)
		for _, lang := range []string{"en", "fr"} {
			f["mini/"+lang+"/more/"+slug+".md"] = f["mini/"+lang+"/more/three.md"]
			delete(f, "mini/"+lang+"/more/three.md")
		}
	}
	for _, tc := range []struct {
		name     string
		slug     string
		reserved []string
		want     []string
	}{
		{"a page segment of the site", "offline", pageSegments,
			[]string{`mini/course.toml:25: lesson slug "offline" is reserved for the course's own pages; choose another`}},
		{"a segment the caller added", "glossary", []string{"glossary"},
			[]string{`mini/course.toml:25: lesson slug "glossary" is reserved for the course's own pages; choose another`}},
		{"nothing reserved", "offline", nil, nil},
		{"a slug the caller does not reserve", "print", []string{"offline"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := miniCourse()
			renameThree(t, f, tc.slug)
			sources, problems := LoadAll(f, tc.reserved)
			var got []string
			for _, p := range problems {
				got = append(got, p.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
			if valid := len(tc.want) == 0; (len(sources) == 1) != valid {
				t.Errorf("%d valid courses; want the course valid: %v", len(sources), valid)
			}
			// Load, for one course, reserves the same way.
			if _, problems := Load(f, "mini", tc.reserved); len(problems) != len(tc.want) {
				t.Errorf("Load found %v; want %d problems", problems, len(tc.want))
			}
		})
	}
}
