// Package course holds the capacity-building half of Capacity Hub: course sources and their
// import, the catalogue, enrolment, progress, quizzes, certificates and curricula.
//
// Each noun has its file, with its types and its SQL: catalog.go, lesson.go, enrolment.go,
// quiz.go, certificate.go, curriculum.go, publish.go; source.go reads course folders and
// import.go stores them. This file holds what they share.
package course

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"capacityhub/internal/auth"
	"capacityhub/internal/db"
	"capacityhub/internal/fault"
	"capacityhub/internal/i18n"
	"capacityhub/internal/markdown"
	"capacityhub/internal/moderation"
)

// Errors the service returns that reach clients: each carries its kind, which the web edge maps
// to a status, and the i18n key of what the client is told. Compare them with errors.Is.
var (
	// ErrNotFound is a course, lesson, quiz, attempt, certificate or curriculum that does not
	// exist, or that this reader may not see (an unpublished course, another learner's attempt).
	ErrNotFound = fault.New(fault.NotFound, "course.error.not_found", "course: not found")
	// ErrForbidden is a change only curriculum managers may make.
	ErrForbidden = fault.New(fault.Forbidden, "course.error.forbidden", "course: not allowed")
	// ErrSlugTaken is a new curriculum whose slug another one has.
	ErrSlugTaken = fault.New(fault.Conflict, "course.error.slug_taken", "course: slug already used")
)

// ErrNotEnrolled is returned by no method today: every write that needs an enrolment
// (CompleteLesson, SubmitAttempt) enrols the learner first, so it cannot reach a client, and it
// has no kind. NB: give it one (fault.New) before any method returns it.
var ErrNotEnrolled = errors.New("course: not enrolled")

// Languages are the languages a course may be written in: the interface's six UN languages, in
// i18n.Languages order (ar, zh, en, fr, ru, es), so that one list decides both. Course problems
// list them in this order.
var Languages = i18n.Tags()

// SourceLanguage is the language every course must have, and the one readers fall back to.
const SourceLanguage = "en"

// Levels a course may have.
var Levels = []string{"introductory", "intermediate", "advanced"}

// Auditor records what managers change (publishing, curricula) and courses completed.
type Auditor interface {
	Record(ctx context.Context, e moderation.AuditEvent) error
}

// Service is the courses service.
type Service struct {
	db       *db.DB
	r        Querier // reads: db.Reader() (prepared once), unless a test counts queries (WithReader)
	md       *markdown.Renderer
	auditor  Auditor
	log      *slog.Logger
	now      func() time.Time
	orderKey []byte // orders quiz choices per attempt (choice_order.go)
	memo     *memo  // the published content, as read (content_cache.go)
}

// New returns the courses service. secret is the server's SECRET_KEY, from which the service
// derives the key that orders quiz choices; a command that shows no quiz (content import) may
// pass nil.
func New(d *db.DB, a Auditor, log *slog.Logger, secret []byte) *Service {
	return &Service{db: d, r: d.Reader(), md: markdown.New(), auditor: a, log: log, now: time.Now, orderKey: deriveOrderKey(secret),
		memo: newMemo()}
}

// audit records e; a failure is logged, not returned: the change it records is already made.
func (s *Service) audit(ctx context.Context, e moderation.AuditEvent) {
	if err := s.auditor.Record(ctx, e); err != nil {
		s.log.Error("audit", "action", e.Action, "err", err)
	}
}

// canManage tells whether u manages curricula (curriculum managers and admins).
func canManage(u *auth.User) bool { return u.Has(auth.RoleCurriculumManager) }

// visible is the published condition for a reader, to append to a WHERE clause on courses c:
// curriculum managers see unpublished courses too. u may be nil (signed out).
func visible(u *auth.User) string {
	if u != nil && canManage(u) {
		return ""
	}
	return " AND c.published = 1"
}

// pick is lang when has(lang), else English.
func pick(lang string, has func(string) bool) string {
	if has(lang) {
		return lang
	}
	return SourceLanguage
}

// joinList stores a list as ",a,b," so that LIKE '%,a,%' finds an item; empty is "".
func joinList(items []string) string {
	if len(items) == 0 {
		return ""
	}
	return "," + strings.Join(items, ",") + ","
}

// splitList reads a list stored by joinList; empty is an empty list, never nil.
func splitList(s string) []string {
	s = strings.Trim(s, ",")
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}
