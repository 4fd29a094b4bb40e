package moderation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"capacityhub/internal/db"
	"capacityhub/internal/fault"
	"capacityhub/internal/paging"
	"capacityhub/internal/testenv"
)

// viewer is a reader of the log.
type viewer bool

func (v viewer) IsAdmin() bool { return bool(v) }

const admin = viewer(true)

func TestOnlyAdminsRead(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		if _, err := NewAuditLog(d).List(context.Background(), viewer(false), "", paging.First(10)); err != ErrForbidden {
			t.Fatalf("a non-admin read the log: %v", err)
		}
		if _, err := NewAuditLog(d).List(context.Background(), nil, "", paging.First(10)); err != ErrForbidden {
			t.Fatalf("nobody read the log: %v", err)
		}
	})
	if fe, ok := fault.As(ErrForbidden); !ok || fe.Kind() != fault.Forbidden || fe.Key() != "moderation.error.audit_forbidden" {
		t.Errorf("ErrForbidden is told to a client as %v", fault.KindOf(ErrForbidden))
	}
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
		p, err := l.List(ctx, admin, "", paging.First(4))
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) != 4 || p.Items[0].Action != "course.published" || p.Items[0].ActorID != "" || p.Items[0].IP != "203.0.113.7" || p.Next == "" {
			t.Fatalf("first page: %+v", p)
		}
		next, err := paging.WithCursor(p.Next, 4)
		if err != nil {
			t.Fatalf("the log gave out cursor %q, which it refuses: %v", p.Next, err)
		}
		rest, err := l.List(ctx, admin, "", next)
		if err != nil || len(rest.Items) != 2 || rest.Next != "" {
			t.Fatalf("second page: %+v %v", rest, err)
		}
		auth, _ := l.List(ctx, admin, "auth.", paging.First(10))
		if len(auth.Items) != 5 {
			t.Errorf("filter auth. found %d events, want 5", len(auth.Items))
		}
		none, _ := l.List(ctx, admin, "auth%", paging.First(10))
		if len(none.Items) != 0 {
			t.Errorf("a %% in the filter acted as a wildcard")
		}
	})
}

// walk pages through the log limit at a time and returns the ids of every event listed, in
// order; it fails the test when an event comes twice.
func walk(t *testing.T, l *AuditLog, prefix string, limit int) []string {
	t.Helper()
	var ids []string
	seen := map[string]bool{}
	page := paging.First(limit)
	for {
		p, err := l.List(context.Background(), admin, prefix, page)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) > limit {
			t.Fatalf("a page of %d events, limit %d", len(p.Items), limit)
		}
		for _, e := range p.Items {
			if seen[e.ID] {
				t.Fatalf("event %s on two pages", e.ID)
			}
			seen[e.ID] = true
			ids = append(ids, e.ID)
		}
		if p.Next == "" {
			return ids
		}
		if page, err = paging.WithCursor(p.Next, limit); err != nil {
			t.Fatalf("the log gave out cursor %q, which it refuses: %v", p.Next, err)
		}
	}
}

// Paging through the log, with or without a filter, shows every event once, newest first.
func TestListPagesThroughEveryEvent(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		l := NewAuditLog(d)
		ctx := context.Background()
		var want, wantAuth []string // newest first
		for i := range 11 {
			action := "course.published"
			if i%3 != 0 {
				action = "auth.signed_in"
			}
			if err := l.Record(ctx, AuditEvent{Action: action, Target: fmt.Sprint(i)}); err != nil {
				t.Fatal(err)
			}
		}
		all, err := l.List(ctx, admin, "", paging.First(paging.MaxLimit))
		if err != nil || len(all.Items) != 11 || all.Next != "" {
			t.Fatalf("one page of all: %d events, next %q, %v", len(all.Items), all.Next, err)
		}
		for _, e := range all.Items {
			want = append(want, e.ID)
			if e.Action == "auth.signed_in" {
				wantAuth = append(wantAuth, e.ID)
			}
		}
		for _, tc := range []struct {
			prefix string
			limit  int
			want   []string
		}{
			{"", 1, want}, {"", 3, want}, {"", 10, want}, {"", 11, want},
			{"auth.", 2, wantAuth}, {"auth.", 7, wantAuth},
		} {
			got := walk(t, l, tc.prefix, tc.limit)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("prefix %q, limit %d: paged through %v, want %v", tc.prefix, tc.limit, got, tc.want)
			}
		}
	})
}

// A cursor the log did not give out is refused as such, not served as some other page nor failed
// as a server error.
func TestListRefusesForgedCursors(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		l := NewAuditLog(d)
		for _, tc := range []struct{ name, cursor string }{
			{"not base64url", "x"},
			{"raw text of the old cursors", "12"},
			{"not a number", paging.Encode("twelve")},
			{"a users-list cursor", paging.Encode("2026-11-26T12:00:00.000000Z|abc")},
			{"zero", paging.Encode("0")},
			{"negative", paging.Encode("-5")},
			{"signed", paging.Encode("+5")},
			{"leading zero", paging.Encode("05")},
			{"too large for any id", paging.Encode("99999999999999999999")},
		} {
			t.Run(tc.name, func(t *testing.T) {
				page, err := paging.WithCursor(tc.cursor, 10)
				if err == nil {
					_, err = l.List(context.Background(), admin, "", page)
				}
				if !errors.Is(err, paging.ErrInvalidCursor) {
					t.Errorf("cursor %q: %v, want paging.ErrInvalidCursor", tc.cursor, err)
				}
			})
		}
	})
}

func TestRecordBoundsFreeText(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		l := NewAuditLog(d)
		for _, tc := range []struct {
			name               string
			e                  AuditEvent
			ip                 string
			target, detail, at string // what List shows
		}{
			{"short fields are kept whole", AuditEvent{Target: "amina@example.org", Detail: "wrong password"}, "203.0.113.7",
				"amina@example.org", "wrong password", "203.0.113.7"},
			{"a 1 MB address and detail are cut", AuditEvent{Target: strings.Repeat("a", 1<<20) + "@example.org", Detail: strings.Repeat("d", 1<<20)},
				strings.Repeat("1", 1000), strings.Repeat("a", MaxTargetBytes), strings.Repeat("d", MaxDetailBytes), strings.Repeat("1", MaxIPBytes)},
			{"cut on a character boundary", AuditEvent{Target: "a" + strings.Repeat("é", 200), Detail: strings.Repeat("日", 400)}, "",
				"a" + strings.Repeat("é", 126), strings.Repeat("日", 333), ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.e.Action = "test." + strings.ReplaceAll(tc.name, " ", "_")
				if err := l.Record(WithClientIP(context.Background(), tc.ip), tc.e); err != nil {
					t.Fatal(err)
				}
				p, err := l.List(context.Background(), admin, tc.e.Action, paging.First(1))
				if err != nil || len(p.Items) != 1 {
					t.Fatalf("list: %v %+v", err, p)
				}
				got := p.Items[0]
				if got.Target != tc.target || got.Detail != tc.detail || got.IP != tc.at {
					t.Errorf("kept target %d bytes, detail %d, IP %d; want %d, %d, %d",
						len(got.Target), len(got.Detail), len(got.IP), len(tc.target), len(tc.detail), len(tc.at))
				}
			})
		}
	})
}
