package auth

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// A signed-in request reads its user from memory, and never an old one: a change through the
// service shows on the next request; a change made elsewhere (another server, an operator's SQL)
// shows once the watch has seen user_version move, within its interval.
func TestUsersKeptInMemoryFollowEveryChange(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.register(t, "root@example.org", RoleAdmin)
		u := e.register(t, "reader@example.org")
		session, err := e.s.StartSession(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		read := func() *User {
			t.Helper()
			got, err := e.s.SessionUser(ctx, session)
			if err != nil {
				t.Fatalf("SessionUser: %v", err)
			}
			return got
		}
		read()
		if e.s.users.get(u.ID) == nil {
			t.Fatal("the signed-in user is not kept in memory")
		}
		got := read()
		got.Name, got.Roles[0] = "changed by a caller", RoleAdmin // the caller's copy, not the memory's
		if again := read(); again.Name != "Amina Diallo" || again.Holds(RoleAdmin) {
			t.Fatalf("a caller's change to its copy reached the memory: %+v", again)
		}

		// Through the service: seen at once.
		if err := e.s.UpdateProfile(ctx, u, Profile{Name: "Amina D.", Country: "sn", Language: "fr"}); err != nil {
			t.Fatal(err)
		}
		if got := read(); got.Name != "Amina D." {
			t.Errorf("after a profile change through the service: name %q", got.Name)
		}

		// Another server on the same database, watching user_version.
		other := newEnv(t, e.db, e.kv)
		other.s.sessions = e.s.sessions
		watch, stop := context.WithCancel(ctx)
		defer stop()
		go other.s.WatchUsers(watch, 20*time.Millisecond)
		readOther := func() (*User, error) { return other.s.SessionUser(ctx, session) }
		if got, err := readOther(); err != nil || got.Name != "Amina D." {
			t.Fatalf("the other server: %+v, %v", got, err)
		}
		within := func(what string, ok func() bool) {
			t.Helper()
			for deadline := time.Now().Add(time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%s: not seen within 1 s", what)
				}
			}
		}
		// Outside any server: an operator's SQL, on each table a signed-in request reads.
		if _, err := e.db.W.Exec("UPDATE users SET name = 'Amina Diallo-Sy' WHERE id = $1", u.ID); err != nil {
			t.Fatal(err)
		}
		within("a name changed by SQL", func() bool { got, err := readOther(); return err == nil && got.Name == "Amina Diallo-Sy" })
		if _, err := e.db.W.Exec("INSERT INTO user_roles (user_id, role) VALUES ($1, 'expert')", u.ID); err != nil {
			t.Fatal(err)
		}
		within("a role granted by SQL", func() bool { got, err := readOther(); return err == nil && got.Holds(RoleExpert) })
		if _, err := e.db.W.Exec("INSERT INTO user_mfa (user_id, secret, enabled_at, created_at) VALUES ($1, 'x', '2026-11-26T12:00:00Z', '2026-11-26T12:00:00Z')", u.ID); err != nil {
			t.Fatal(err)
		}
		within("two-step verification turned on by SQL", func() bool { got, err := readOther(); return err == nil && got.MFA })

		// Through the first server: the second sees it within its interval.
		if err := e.s.SetDisabled(ctx, admin, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.SessionUser(ctx, session); !errors.Is(err, ErrSessionExpired) {
			t.Errorf("the disabling server still accepts the session: %v", err)
		}
		within("an account disabled on another server", func() bool {
			_, err := readOther()
			return errors.Is(err, ErrSessionExpired)
		})
	})
}

// A read that began before a change is not kept after it.
func TestUserReadBeforeAChangeIsNotKept(t *testing.T) {
	var c userCache
	gen := c.gen.Load()
	c.forget() // a change commits while the read is on its way
	c.put(&User{ID: "u1", Name: "old", Roles: []Role{RoleLearner}}, gen)
	if got := c.get("u1"); got != nil {
		t.Fatalf("a user read before the change was kept: %+v", got)
	}
	c.put(&User{ID: "u1", Name: "new", Roles: []Role{RoleLearner}}, c.gen.Load())
	if got := c.get("u1"); got == nil || got.Name != "new" || !slices.Equal(got.Roles, []Role{RoleLearner}) {
		t.Fatalf("a fresh read was not kept: %+v", got)
	}
}
