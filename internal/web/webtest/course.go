package webtest

import (
	"context"
	"database/sql"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/app"
	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/testenv"
)

// What the courses' tests need beyond the server and its clients: counting the course service's
// queries behind a page, and dating a certificate.

// QueryCounter counts the reads of the course service that pass through it (CountCourseReads).
type QueryCounter struct {
	q course.Querier
	n atomic.Int64
}

// QueryContext counts the query and runs it.
func (c *QueryCounter) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.n.Add(1)
	return c.q.QueryContext(ctx, query, args...)
}

// QueryRowContext counts the query and runs it.
func (c *QueryCounter) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	c.n.Add(1)
	return c.q.QueryRowContext(ctx, query, args...)
}

// Count is the number of queries so far.
func (c *QueryCounter) Count() int64 { return c.n.Load() }

// CountCourseReads is the web layer of s built again, on the same configuration, database, store
// and services, except that the course service's reads go through the returned counter
// (course.Service.WithReader). Sessions and tokens of s work on it too. NB: it is a second app:
// requests to s.App are not counted.
func (s *Server) CountCourseReads(t testing.TB) (*fiber.App, *QueryCounter) {
	t.Helper()
	counter := &QueryCounter{q: s.DB.R}
	svc := *s.Services
	svc.Courses = s.Courses.WithReader(counter)
	a, _, err := app.NewWeb(s.Config, s.DB, s.KV, &svc, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Shutdown() })
	return a, counter
}

// DateCertificate sets the day certificate id says it was issued, for a test of how dates read
// in each language (the service always issues today).
func (s *Server) DateCertificate(t testing.TB, id string, issued time.Time) {
	t.Helper()
	testenv.DateCertificate(t, s.DB, id, issued)
}

// EndQuizPauses ends u's pauses between quiz attempts, as if the hour had gone by.
func (s *Server) EndQuizPauses(t testing.TB, u *auth.User) {
	t.Helper()
	testenv.EndQuizPauses(t, s.DB, u.ID)
}
