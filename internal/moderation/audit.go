// Package moderation keeps what moderators and administrators act on. For now that is the audit
// log: security events (sign-in failures, role changes, disabled accounts, password resets) and
// curriculum changes, for admins to read. Entries are only ever added. Flags and hidden posts join
// it with the Q&A and forums.
package moderation

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"capacityhub/internal/db"
	"capacityhub/internal/fault"
	"capacityhub/internal/paging"
	"capacityhub/internal/validate"
)

// The most an audit entry keeps of its free-text fields, in bytes: Record cuts what is longer (on
// a character boundary), so that no input, however long, makes an entry large. A target is an id,
// a slug or an e-mail address (at most 254 bytes, RFC 5321).
const (
	MaxTargetBytes = 254
	MaxDetailBytes = 1000
	MaxIPBytes     = 64
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

// Record adds e to the log; At and IP are filled in when empty. Target, Detail and IP are cut to
// MaxTargetBytes, MaxDetailBytes and MaxIPBytes.
func (l *AuditLog) Record(ctx context.Context, e AuditEvent) error {
	if e.At.IsZero() {
		e.At = l.now()
	}
	if e.IP == "" {
		e.IP, _ = ctx.Value(ctxKey{}).(string)
	}
	e.Target = validate.Truncate(e.Target, MaxTargetBytes)
	e.Detail = validate.Truncate(e.Detail, MaxDetailBytes)
	e.IP = validate.Truncate(e.IP, MaxIPBytes)
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

// Viewer is who asks to read the log; only administrators may.
type Viewer interface{ IsAdmin() bool }

// ErrForbidden is a reader who is not an administrator.
var ErrForbidden = fault.New(fault.Forbidden, "moderation.error.audit_forbidden", "audit: only administrators read the audit log")

// List is a page of the events whose action starts with actionPrefix ("" for all), newest first,
// for an administrator (others: ErrForbidden). A cursor no list gave out is
// paging.ErrInvalidCursor; a page.Limit below 1 is paging.DefaultLimit.
func (l *AuditLog) List(ctx context.Context, viewer Viewer, actionPrefix string, page paging.Request) (paging.Page[AuditEvent], error) {
	if viewer == nil || !viewer.IsAdmin() {
		return paging.Page[AuditEvent]{}, ErrForbidden
	}
	after, err := parseEventKey(page.After)
	if err != nil {
		return paging.Page[AuditEvent]{}, err
	}
	if page.Limit < 1 {
		page.Limit = paging.DefaultLimit
	}
	events, err := l.list(ctx, actionPrefix, after, page.Limit+1)
	if err != nil {
		return paging.Page[AuditEvent]{}, err
	}
	return paging.Cut(events, page, func(e AuditEvent) string { return e.ID }), nil
}

// parseEventKey reads the key of the event a page continues after, its id: 0 for "", and
// paging.ErrInvalidCursor for anything but an id as List writes them.
func parseEventKey(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 || strconv.FormatInt(id, 10) != s {
		return 0, paging.ErrInvalidCursor
	}
	return id, nil
}

// list reads up to n events older than the one whose id is after (0: from the newest) whose
// action starts with actionPrefix, newest first.
func (l *AuditLog) list(ctx context.Context, actionPrefix string, after int64, n int) ([]AuditEvent, error) {
	where, args := []string{"1 = 1"}, []any{}
	if actionPrefix != "" {
		args = append(args, strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(actionPrefix)+"%")
		where = append(where, fmt.Sprintf("action LIKE $%d ESCAPE '\\'", len(args)))
	}
	if after > 0 {
		args = append(args, after)
		where = append(where, fmt.Sprintf("id < $%d", len(args)))
	}
	args = append(args, n)
	rows, err := l.db.R.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id, ''), action, target, ip, detail
		FROM audit_log WHERE `+strings.Join(where, " AND ")+fmt.Sprintf(" ORDER BY id DESC LIMIT $%d", len(args)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var events []AuditEvent
	for rows.Next() {
		var e AuditEvent
		var id int64
		var at string
		if err := rows.Scan(&id, &at, &e.ActorID, &e.Action, &e.Target, &e.IP, &e.Detail); err != nil {
			return nil, err
		}
		e.ID = strconv.FormatInt(id, 10)
		e.At, _ = db.ParseTime(at)
		events = append(events, e)
	}
	return events, rows.Err()
}

// MaxAboutEvents is the most events About answers: the newest ones.
const MaxAboutEvents = 5000

// About lists the events a member is part of, for their own copy of their data: those they did
// (actor) or that were done to their account (target: their id, or their e-mail address, as a
// failed sign-in names it), newest first, at most MaxAboutEvents. The caller shows them to that
// member alone.
func (l *AuditLog) About(ctx context.Context, userID, email string) ([]AuditEvent, error) {
	rows, err := l.db.R.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id, ''), action, target, ip, detail
		FROM audit_log WHERE actor_id = $1 OR target = $1 OR target = $2 ORDER BY id DESC LIMIT $3`, userID, email, MaxAboutEvents)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var events []AuditEvent
	for rows.Next() {
		var e AuditEvent
		var id int64
		var at string
		if err := rows.Scan(&id, &at, &e.ActorID, &e.Action, &e.Target, &e.IP, &e.Detail); err != nil {
			return nil, err
		}
		e.ID = strconv.FormatInt(id, 10)
		e.At, _ = db.ParseTime(at)
		events = append(events, e)
	}
	return events, rows.Err()
}
