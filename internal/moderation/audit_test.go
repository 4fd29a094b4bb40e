package moderation

import (
	"context"
	"fmt"
	"testing"

	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
)

// viewer is a reader of the log.
type viewer bool

func (v viewer) IsAdmin() bool { return bool(v) }

const admin = viewer(true)

func TestOnlyAdminsRead(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		if _, err := NewAuditLog(d).List(context.Background(), viewer(false), "", "", 10); err != ErrForbidden {
			t.Fatalf("a non-admin read the log: %v", err)
		}
		if _, err := NewAuditLog(d).List(context.Background(), nil, "", "", 10); err != ErrForbidden {
			t.Fatalf("nobody read the log: %v", err)
		}
	})
}

func TestRecordAndList(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		l := NewAuditLog(d)
		ctx := WithClientIP(context.Background(), "203.0.113.7")
		for i := range 5 {
			if err := l.Record(ctx, AuditEvent{ActorID: "u1", Action: fmt.Sprintf("auth.event_%d", i%2), Target: "t"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := l.Record(ctx, AuditEvent{Action: "course.published", Target: "ai-101"}); err != nil {
			t.Fatal(err)
		}
		p, err := l.List(ctx, admin, "", "", 4)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Events) != 4 || p.Events[0].Action != "course.published" || p.Events[0].ActorID != "" || p.Events[0].IP != "203.0.113.7" || p.NextCursor == "" {
			t.Fatalf("first page: %+v", p)
		}
		rest, err := l.List(ctx, admin, "", p.NextCursor, 4)
		if err != nil || len(rest.Events) != 2 || rest.NextCursor != "" {
			t.Fatalf("second page: %+v %v", rest, err)
		}
		auth, _ := l.List(ctx, admin, "auth.", "", 10)
		if len(auth.Events) != 5 {
			t.Errorf("filter auth. found %d events, want 5", len(auth.Events))
		}
		none, _ := l.List(ctx, admin, "auth%", "", 10)
		if len(none.Events) != 0 {
			t.Errorf("a %% in the filter acted as a wildcard")
		}
		if _, err := l.List(ctx, admin, "", "x", 10); err != ErrInvalidCursor {
			t.Errorf("bad cursor: %v", err)
		}
	})
}
