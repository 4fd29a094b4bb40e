// Package moderation keeps what moderators and administrators act on. For now that is the audit
// log: security events (sign-in failures, role changes, disabled accounts, password resets) and
// curriculum changes, for admins to read. Entries are only ever added. Flags and hidden posts join
// it with the Q&A and forums.
package moderation

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"capacityhub/internal/db"
)

// AuditEvent is one thing that happened.
type AuditEvent struct {
	ID      string
	At      time.Time
	ActorID string // "" for an anonymous visitor or the system
	Action  string // e.g. "auth.signin_failed", "auth.roles_changed"
	Target  string // what it happened to, e.g. a user id or an e-mail address
	IP      string
	Detail  string
}

// AuditLog writes and reads the audit log.
type AuditLog struct {
	db  *db.DB
	now func() time.Time
}

// NewAuditLog returns the audit log kept in d.
func NewAuditLog(d *db.DB) *AuditLog { return &AuditLog{db: d, now: time.Now} }

type ctxKey struct{}

// WithClientIP returns a context that makes Record note ip as the client's address. The web layer
// sets it once per request, so that the domain packages need not pass it around.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, ctxKey{}, ip)
}

// Record adds e to the log; At and IP are filled in when empty.
func (l *AuditLog) Record(ctx context.Context, e AuditEvent) error {
	if e.At.IsZero() {
		e.At = l.now()
	}
	if e.IP == "" {
		e.IP, _ = ctx.Value(ctxKey{}).(string)
	}
	var actor any
	if e.ActorID != "" {
		actor = e.ActorID
	}
	_, err := l.db.W.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, action, target, ip, detail)
		VALUES ($1, $2, $3, $4, $5, $6)`, db.FormatTime(e.At), actor, e.Action, e.Target, e.IP, e.Detail)
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", e.Action, err)
	}
	return nil
}

// Page is one page of the log, newest first.
type Page struct {
	Events     []AuditEvent
	NextCursor string
}

// Viewer is who asks to read the log; only administrators may.
type Viewer interface{ IsAdmin() bool }

// ErrForbidden is a reader who is not an administrator.
var ErrForbidden = errors.New("audit: only administrators read the audit log")

// List returns up to limit events older than cursor (a NextCursor, or "" for the newest), whose
// action starts with actionPrefix when it is not empty.
func (l *AuditLog) List(ctx context.Context, viewer Viewer, actionPrefix, cursor string, limit int) (Page, error) {
	if viewer == nil || !viewer.IsAdmin() {
		return Page{}, ErrForbidden
	}
	where, args := []string{"1 = 1"}, []any{}
	if actionPrefix != "" {
		args = append(args, strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(actionPrefix)+"%")
		where = append(where, fmt.Sprintf("action LIKE $%d ESCAPE '\\'", len(args)))
	}
	if cursor != "" {
		id, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil {
			return Page{}, ErrInvalidCursor
		}
		args = append(args, id)
		where = append(where, fmt.Sprintf("id < $%d", len(args)))
	}
	args = append(args, limit+1)
	rows, err := l.db.R.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id, ''), action, target, ip, detail
		FROM audit_log WHERE `+strings.Join(where, " AND ")+fmt.Sprintf(" ORDER BY id DESC LIMIT $%d", len(args)), args...)
	if err != nil {
		return Page{}, err
	}
	defer rows.Close()
	var p Page
	for rows.Next() {
		var e AuditEvent
		var id int64
		var at string
		if err := rows.Scan(&id, &at, &e.ActorID, &e.Action, &e.Target, &e.IP, &e.Detail); err != nil {
			return Page{}, err
		}
		e.ID = strconv.FormatInt(id, 10)
		e.At, _ = db.ParseTime(at)
		p.Events = append(p.Events, e)
	}
	if err := rows.Err(); err != nil {
		return Page{}, err
	}
	if len(p.Events) > limit {
		p.Events = p.Events[:limit]
		p.NextCursor = p.Events[limit-1].ID
	}
	return p, nil
}

// ErrInvalidCursor is a cursor List did not give out.
var ErrInvalidCursor = errors.New("audit: invalid cursor")
