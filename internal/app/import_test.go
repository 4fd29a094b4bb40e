package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"

	"capacityhub/content"
	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/db"
	"capacityhub/internal/moderation"
	"capacityhub/internal/testenv"
)

// addCourse puts a one-lesson course with the given level and prerequisites into f.
func addCourse(f fstest.MapFS, slug, level, prerequisites string) {
	f[slug+"/course.toml"] = &fstest.MapFile{Data: []byte("level = \"" + level + "\"\nestimated_minutes = 10\nprerequisites = " + prerequisites +
		"\n\n[[modules]]\nslug = \"basics\"\nlessons = [\"one\"]\n")}
	f[slug+"/en/course.toml"] = &fstest.MapFile{Data: []byte("title = \"Course " + slug + "\"\nsummary = \"A course.\"\n[modules.basics]\ntitle = \"Basics\"\n")}
	f[slug+"/en/basics/one.md"] = &fstest.MapFile{Data: []byte("# One\n\nText.\n")}
}

// A course whose prerequisite is broken is still imported, and the operator is told which
// prerequisite its page will lack.
func TestImportContentWarnsOfPrerequisitesNotImported(t *testing.T) {
	for _, tc := range []struct {
		name      string
		baseLevel string
		warned    bool
	}{
		{"prerequisite valid", "introductory", false},
		{"prerequisite broken", "easy", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fstest.MapFS{}
			addCourse(f, "base", tc.baseLevel, "[]")
			addCourse(f, "next", "intermediate", `["base"]`)
			d := testenv.Open(t, db.SQLite)
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			if err := ImportContent(context.Background(), course.New(d, moderation.NewAuditLog(d), log, nil), f, "test", log); err != nil {
				t.Fatal(err)
			}
			warned := false
			for _, line := range strings.Split(logs.String(), "\n") {
				if strings.Contains(line, "level=WARN") && strings.Contains(line, "prerequisite not imported") &&
					strings.Contains(line, "course=next") && strings.Contains(line, "prerequisite=base") {
					warned = true
				}
			}
			if warned != tc.warned {
				t.Errorf("warned of the prerequisite: %v; want %v. Log:\n%s", warned, tc.warned, logs.String())
			}
			imported := "added=2"
			if tc.warned {
				imported = "added=1" // next, without base
			}
			if !strings.Contains(logs.String(), "courses imported") || !strings.Contains(logs.String(), imported) {
				t.Errorf("log lacks courses imported, %s:\n%s", imported, logs.String())
			}
		})
	}
}

// A fresh install has the shipped learning path, in the six languages, on both engines; it is the
// managers' from then on: deleted, a later import does not bring it back.
func TestShippedLearningPath(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		courses := course.New(d, moderation.NewAuditLog(d), log, nil)
		if err := ImportContent(ctx, courses, content.FS, "built-in", log); err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"ar", "en", "es", "fr", "ru", "zh"} {
			list, err := courses.Curricula(ctx, lang)
			if err != nil || len(list) != 1 || list[0].Slug != "ai-for-regulators-essentials" || list[0].Language != lang {
				t.Fatalf("learning paths in %s after a fresh import: %+v %v, want the shipped one, written in %s", lang, list, err, lang)
			}
		}
		manager := &auth.User{ID: "m", Roles: []auth.Role{auth.RoleLearner, auth.RoleCurriculumManager}, MFA: true}
		if err := courses.DeleteCurriculum(ctx, manager, "ai-for-regulators-essentials"); err != nil {
			t.Fatal(err)
		}
		if err := ImportContent(ctx, courses, content.FS, "built-in", log); err != nil {
			t.Fatal(err)
		}
		if list, err := courses.Curricula(ctx, "en"); err != nil || len(list) != 0 {
			t.Errorf("after the manager deleted it, an import brought back %+v (%v)", list, err)
		}
	})
}
