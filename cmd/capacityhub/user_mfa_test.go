package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"capacityhub/internal/app"
	"capacityhub/internal/auth"
	"capacityhub/internal/config"
	"capacityhub/internal/kv"
	"capacityhub/internal/moderation"
)

// An operator resets the two-step verification of a user who lost their phone and codes.
func TestUserResetMFA(t *testing.T) {
	ctx := context.Background()
	env := map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "ch.db")}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	d, err := app.OpenDatabase(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	store := kv.NewMemory()
	defer store.Close()
	accounts := app.NewAccounts(cfg, d, store, moderation.NewAuditLog(d), nil, app.NewLogger(cfg, &strings.Builder{}))
	u, err := accounts.Register(ctx, auth.Registration{Email: "ada@example.org", Password: "correct horse battery staple",
		Roles: []auth.Role{auth.RoleAdmin}, Profile: auth.Profile{Name: "Ada Admin", Country: "KE"}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := accounts.StartMFA(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := auth.TOTPCode(e.Secret, time.Now())
	if _, err := accounts.ConfirmMFA(ctx, u, code); err != nil {
		t.Fatal(err)
	}

	if code, _, errOut := runCmd(t, env, "user", "reset-mfa", "--email", "nobody@example.org"); code != 1 || !strings.Contains(errOut, "--email") {
		t.Errorf("unknown address: exit %d, %q", code, errOut)
	}
	if code, out, errOut := runCmd(t, env, "user", "reset-mfa", "--email", "Ada@example.org"); code != 0 || !strings.Contains(out, "reset") {
		t.Fatalf("reset: exit %d, out %q, err %q", code, out, errOut)
	}
	if fresh, err := accounts.User(ctx, u.ID); err != nil || fresh.MFA || fresh.Epoch == u.Epoch {
		t.Errorf("after the reset: MFA %v, epoch %d (was %d), %v; want off and sessions ended", fresh.MFA, fresh.Epoch, u.Epoch, err)
	}
}
