package auth

import (
	"context"
	"errors"
	"sync"
	"testing"
)

// Two administrators who are the only ones delete their accounts at the same moment: one
// succeeds, the other is refused as the last administrator, on either engine (on PostgreSQL the
// admins' role rows are locked, so the second sees the first gone).
func TestTwoLastAdminsCannotBothLeave(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := e.register(t, "first-admin@example.org", RoleAdmin)
		b := e.register(t, "second-admin@example.org", RoleAdmin)
		a.MFA, b.MFA = false, false // NB: no code to send; the rule under test is the admins' count
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, u := range []*User{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = e.s.DeleteAccount(context.Background(), u, goodPassword, "")
			}()
		}
		wg.Wait()
		deleted, refused := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				deleted++
			case errors.Is(err, ErrLastAdmin):
				refused++
			default:
				t.Fatalf("delete: %v", err)
			}
		}
		if deleted != 1 || refused != 1 {
			t.Fatalf("%d deleted and %d refused, want one of each", deleted, refused)
		}
		if n, err := e.s.store.otherAdmins(context.Background(), "nobody"); err != nil || n != 1 {
			t.Errorf("admins left: %d (%v), want 1", n, err)
		}
	})
}
