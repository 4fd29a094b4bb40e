package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"capacityhub/internal/moderation"
	"capacityhub/internal/paging"
	"capacityhub/internal/validate"
)

func TestBoundEmail(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     string
		tooLong  bool
	}{
		{"normalized", "  Amina@Example.ORG ", "amina@example.org", false},
		{"254 bytes", strings.Repeat("a", 242) + "@example.org", strings.Repeat("a", 242) + "@example.org", false},
		{"255 bytes", strings.Repeat("a", 243) + "@example.org", strings.Repeat("a", 243) + "@example.or", true},
		{"1 MB", strings.Repeat("A", 1<<20) + "@example.org", strings.Repeat("a", MaxEmailBytes), true},
		{"cut on a character boundary", "a" + strings.Repeat("é", 200), "a" + strings.Repeat("é", 126), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, tooLong := BoundEmail(tc.in)
			if got != tc.want || tooLong != tc.tooLong {
				t.Errorf("BoundEmail = %d bytes (%.20q), %v; want %d bytes, %v", len(got), got, tooLong, len(tc.want), tc.tooLong)
			}
		})
	}
}

// An over-long password or address is refused before any Argon2id work: with every hashing slot
// taken, the refusal still comes at once (a hash would wait for a slot until the deadline).
func TestOverLongInputIsNotHashed(t *testing.T) {
	huge := strings.Repeat("p", 1<<20)
	each(t, func(t *testing.T, e *env) {
		u := e.register(t, "amina@example.org")
		for _, tc := range []struct {
			name  string
			call  func(ctx context.Context) error
			want  error  // or:
			field string // the field error wanted
			key   string
		}{
			{"sign-in, 1 MB password", func(ctx context.Context) error {
				_, err := e.s.Authenticate(ctx, "amina@example.org", huge)
				return err
			}, ErrBadCredentials, "", ""},
			{"sign-in, 1 MB address", func(ctx context.Context) error {
				_, err := e.s.Authenticate(ctx, huge+"@example.org", goodPassword)
				return err
			}, ErrBadCredentials, "", ""},
			{"password change, 1 MB current password", func(ctx context.Context) error {
				return e.s.ChangePassword(ctx, u, huge, "violet lantern river seventeen")
			}, nil, "current_password", "auth.password.too_long"},
			{"password change, 1 MB new password", func(ctx context.Context) error {
				return e.s.ChangePassword(ctx, u, goodPassword, huge)
			}, nil, "password", "auth.password.too_long"},
			{"registration, 1 MB password", func(ctx context.Context) error {
				_, err := e.s.Register(ctx, Registration{Email: "new@example.org", Password: huge,
					Profile: Profile{Name: "New", Country: "SN", Language: "en"}})
				return err
			}, nil, "password", "auth.password.too_long"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				// A hasher that takes no work: any hash would answer ErrBusy.
				saved := e.s.hasher
				e.s.hasher = &hasher{}
				defer func() { e.s.hasher = saved }()
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				err := tc.call(ctx)
				if tc.want != nil {
					if !errors.Is(err, tc.want) {
						t.Errorf("got %v, want %v at once", err, tc.want)
					}
					return
				}
				var errs validate.Errors
				if !errors.As(err, &errs) {
					t.Fatalf("got %v, want field errors at once", err)
				}
				if fe, ok := errs.For(tc.field); !ok || fe.Key != tc.key {
					t.Errorf("got %v, want %s: %s", errs, tc.field, tc.key)
				}
			})
		}
		if _, err := e.s.Authenticate(context.Background(), "amina@example.org", goodPassword); err != nil {
			t.Errorf("the password changed: %v", err)
		}
	})
}

// The audit log and the store hold at most MaxEmailBytes of an address however long the input.
func TestOverLongAddressIsAuditedBounded(t *testing.T) {
	huge := strings.Repeat("a", 1<<20) + "@example.org"
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.register(t, "admin@example.org", RoleAdmin)
		for _, tc := range []struct {
			name   string
			call   func() error
			action string // the entry wanted
			detail string
		}{
			{"failed sign-in", func() error {
				_, err := e.s.Authenticate(ctx, huge, goodPassword)
				return err
			}, "auth.signin_failed", "address too long"},
			{"sign-in refused by the limit", func() error {
				e.s.NoteSignInLimited(ctx, huge, time.Minute)
				return ErrBadCredentials
			}, "auth.signin_limited", "sign-in attempts for this address refused by the rate limit"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if err := tc.call(); !errors.Is(err, ErrBadCredentials) {
					t.Errorf("got %v, want %v", err, ErrBadCredentials)
				}
				page, err := moderation.NewAuditLog(e.db).List(ctx, admin, tc.action, paging.First(1))
				if err != nil || len(page.Items) != 1 {
					t.Fatalf("no %s entry: %v", tc.action, err)
				}
				if got := page.Items[0]; got.Target != strings.Repeat("a", MaxEmailBytes) || got.Detail != tc.detail {
					t.Errorf("entry: target %d bytes, detail %q", len(got.Target), got.Detail)
				}
			})
		}
		err := e.s.RequestPasswordReset(ctx, huge, nil)
		if errs, ok := err.(validate.Errors); !ok || len(errs) != 1 || errs[0].Field != "email" || errs[0].Key != "field.too_long" {
			t.Errorf("over-long reset request: %v, want email: field.too_long", err)
		}
		if page, _ := moderation.NewAuditLog(e.db).List(ctx, admin, "auth.reset_requested", paging.First(1)); len(page.Items) != 0 || len(e.mail.sent) != 0 {
			t.Errorf("an over-long reset request left %d entries and %d mails", len(page.Items), len(e.mail.sent))
		}
		if _, err := e.s.kv.Get(ctx, "audited:signin-limited:"+strings.Repeat("a", MaxEmailBytes)); err != nil {
			t.Errorf("the limit's note is not kept under the bounded address: %v", err)
		}
	})
}
