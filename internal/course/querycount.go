package course

import (
	"context"
	"database/sql"
)

// Querier is what the service's reads need of a database handle; *sql.DB, *sql.Tx and *sql.Conn
// have it.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// WithReader returns a copy of the service whose reads (catalogue, course, lesson, progress,
// quizzes, certificates, curricula) go through r instead of the database's read handle; writes
// and imports still use the database. It exists for instrumentation: tests wrap the read handle
// to count the queries a page makes. The original service is not changed.
func (s *Service) WithReader(r Querier) *Service {
	c := *s
	c.r = r
	return &c
}
