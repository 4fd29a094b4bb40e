package course

import (
	"context"
	"errors"
	"io/fs"
	"strings"

	"capacityhub/internal/auth"
	"capacityhub/internal/db"
	"capacityhub/internal/validate"
)

// PathsFile is the file of content/ that ships learning paths (curricula) with the courses, so
// that a fresh install has one. Curriculum managers own them once imported: an import adds a
// path whose slug is new and never changes or restores one that exists or was deleted.
const PathsFile = "learning-paths.toml"

type pathsFile struct {
	Paths []struct {
		Slug        string            `toml:"slug"`
		Courses     []string          `toml:"courses"`
		Title       map[string]string `toml:"title"`
		Description map[string]string `toml:"description"`
	} `toml:"path"`
}

// LoadPaths reads PathsFile from fsys, if there is one, checking what can be checked without the
// database: each path's slug, an English title, languages, and that its courses are course
// folders (a broken course is reported in its own right, not again for each path naming it).
func LoadPaths(fsys fs.FS) ([]CurriculumInput, []Problem) {
	r := &reader{fsys: fsys}
	if r.missing(PathsFile) {
		return nil, nil
	}
	known := map[string]bool{}
	if entries, err := fs.ReadDir(fsys, "."); err == nil {
		for _, e := range entries {
			if e.IsDir() && !strings.HasPrefix(e.Name(), "_") && !strings.HasPrefix(e.Name(), ".") {
				known[e.Name()] = true
			}
		}
	}
	b, ok := r.read(PathsFile)
	if !ok {
		return nil, r.problems
	}
	var f pathsFile
	if !r.decode(PathsFile, b, &f) {
		return nil, r.problems
	}
	doc := linesOf(b)
	var out []CurriculumInput
	for _, p := range f.Paths {
		line := doc.find(p.Slug)
		bad := len(r.problems)
		if !slugPattern.MatchString(p.Slug) {
			r.add(PathsFile, line, "path slug %q: lowercase letters, digits and hyphens", p.Slug)
		}
		if p.Title["en"] == "" {
			r.add(PathsFile, line, "path %s: no English title", p.Slug)
		}
		for lang := range p.Title {
			if !isLanguage(lang) {
				r.add(PathsFile, line, "path %s: unknown language %q", p.Slug, lang)
			}
		}
		if len(p.Courses) == 0 {
			r.add(PathsFile, line, "path %s: no course", p.Slug)
		}
		for _, c := range p.Courses {
			if !known[c] {
				r.add(PathsFile, doc.find(c), "path %s: no course %q among the course folders", p.Slug, c)
			}
		}
		if len(r.problems) == bad {
			out = append(out, CurriculumInput{Slug: p.Slug, Title: p.Title, Description: p.Description, Courses: p.Courses})
		}
	}
	return out, r.problems
}

// shipper is who imports the shipped paths: the content itself, with a curriculum manager's say.
var shipper = &auth.User{Roles: []auth.Role{auth.RoleLearner, auth.RoleCurriculumManager}, MFA: true}

// ImportPaths adds each shipped path that no import has offered before (shipped_paths) and
// whose slug is free, and returns the slugs it added.
func (s *Service) ImportPaths(ctx context.Context, paths []CurriculumInput) ([]string, error) {
	var added []string
	for _, p := range paths {
		var seen int
		if err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM shipped_paths WHERE slug = $1", p.Slug).Scan(&seen); err != nil {
			return added, err
		}
		if seen > 0 {
			continue
		}
		err := s.SaveCurriculum(ctx, shipper, p, true)
		var invalid validate.Errors
		switch {
		case errors.Is(err, ErrSlugTaken):
		case errors.As(err, &invalid): // a course of it was not imported: try again next time
			s.log.Warn("learning path not imported", "path", p.Slug, "problems", invalid.Error())
			continue
		case err != nil:
			return added, err
		default:
			added = append(added, p.Slug)
		}
		if _, err := s.db.W.ExecContext(ctx, `INSERT INTO shipped_paths (slug, imported_at) VALUES ($1, $2)
			ON CONFLICT (slug) DO NOTHING`, p.Slug, db.FormatTime(s.now())); err != nil {
			return added, err
		}
	}
	return added, nil
}
