package courseweb

import (
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/course"
	"capacityhub/internal/web/site"
)

// offlineStyle is the whole stylesheet of the offline course: system fonts (no download), one
// readable column on a phone, logical properties so that Arabic reads right to left, a dark
// variant and a print layout.
const offlineStyle = `:root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#555;--line:#d6d6d6;--link:#0b57a4;--note:#fff6d9;--mark:#c98a00}` +
	`@media (prefers-color-scheme:dark){:root{--fg:#e9e9e9;--bg:#141414;--muted:#aaa;--line:#3a3a3a;--link:#8cc2ff;--note:#2b2513}}` +
	`*{box-sizing:border-box}html{-webkit-text-size-adjust:100%;text-size-adjust:100%}` +
	`body{margin:0 auto;max-width:42rem;padding:1rem 1rem 3rem;color:var(--fg);background:var(--bg);overflow-wrap:break-word;` +
	`font:1.0625rem/1.65 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Naskh Arabic","Geeza Pro",Tahoma,"PingFang SC","Microsoft YaHei",sans-serif}` +
	`h1,h2,h3,h4,h5,h6{line-height:1.25;margin:1.5em 0 .5em}h1{font-size:1.75rem;margin-top:.5em}h2{font-size:1.4rem}h3{font-size:1.2rem}h4,h5,h6{font-size:1.05rem}` +
	`a{color:var(--link)}.site,.meta{color:var(--muted);font-size:.9rem}.lead{font-size:1.1rem}` +
	`.note{background:var(--note);border-inline-start:4px solid var(--mark);padding:.6rem .8rem;border-radius:4px}` +
	`nav ol{padding-inline-start:1.4rem}nav li{margin:.2rem 0}` +
	`.module{border-top:2px solid var(--line);margin-top:2.5rem}article{margin:1.5rem 0 2.5rem}` +
	`pre{overflow-x:auto;padding:.6rem;border:1px solid var(--line)}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.95em}` +
	`table{border-collapse:collapse;display:block;overflow-x:auto;max-width:100%}th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:start}` +
	`blockquote{margin-inline:0;padding-inline-start:1rem;border-inline-start:3px solid var(--line)}` +
	`.top{font-size:.9rem}footer{border-top:1px solid var(--line);margin-top:3rem}` +
	`@media print{body{max-width:none;padding:0}.top{display:none}a{color:inherit}.module{break-before:page}}`

// offlineCSP lets the offline file have its one inline stylesheet (by hash, so not even an
// injected style attribute would apply) and nothing else: no script, no request of any kind.
var offlineCSP = func() string {
	sum := sha256.Sum256([]byte(offlineStyle))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; base-uri 'none'; form-action 'none'"
}()

// DownloadCourse serves the whole course in the reader's language as one HTML file to keep and
// read offline; lessons not translated come in English with a notice. Quizzes are scored on the
// server, so the file sends the reader to the course online for them.
func (h *Handler) DownloadCourse(c *fiber.Ctx) error {
	ctx, loc, slug := c.UserContext(), site.Lang(c), c.Params("slug")
	d, err := h.courses.Course(ctx, site.User(c), slug, loc.Tag)
	if err != nil {
		return err
	}
	lessons, err := h.courses.AllLessons(ctx, slug, loc.Tag)
	if err != nil {
		return err
	}
	byModule := map[string][]course.Lesson{}
	for _, l := range lessons {
		byModule[l.Module] = append(byModule[l.Module], l)
	}
	online := h.site.Config().BaseURL.JoinPath(loc.Tag, "courses", slug)
	view := OfflineCourse{L: loc, Style: offlineStyle, CSP: offlineCSP, Title: d.Title, Summary: d.Summary,
		Lang: d.Language, Minutes: d.EstimatedMinutes, OnlineURL: online.String(),
		Downloaded: time.Now().UTC().Format(time.DateOnly)}
	for _, m := range d.Modules {
		om := OfflineModule{Anchor: "m-" + m.Slug, Title: m.Title, Lang: m.Language}
		if m.Quiz != nil {
			om.QuizTitle, om.QuizLang = m.Quiz.Title, m.Quiz.Language
			om.QuizURL = online.JoinPath("quizzes", m.Quiz.Slug).String()
		}
		for _, l := range byModule[m.Slug] {
			om.Lessons = append(om.Lessons, OfflineLesson{Anchor: "l-" + l.Slug, Title: l.Title, Lang: l.Language,
				HTML: l.HTML, Fallback: l.Language != loc.Tag})
		}
		view.Modules = append(view.Modules, om)
	}
	c.Set(fiber.HeaderContentSecurityPolicy, offlineCSP)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+slug+"-"+loc.Tag+`.html"`)
	return site.Render(c, Offline(view))
}
