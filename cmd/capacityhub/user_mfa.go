package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os/user"

	"capacityhub/internal/app"
	"capacityhub/internal/auth"
	"capacityhub/internal/config"
	"capacityhub/internal/kv"
	"capacityhub/internal/moderation"
)

// resetMFA is `capacityhub user reset-mfa --email E`: it turns two-step verification off for a
// user who lost both their authenticator and their recovery codes, and ends every session and
// token of theirs (auth.Service.ResetMFA). Only an operator with the server's configuration can
// run it; the audit log names the operating-system user who did.
func resetMFA(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("user reset-mfa", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "e-mail address of the account (required)")
	if err := fs.Parse(args); err != nil || *email == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "capacityhub: user reset-mfa --email E")
		return 2
	}
	d, err := app.OpenDatabase(ctx, cfg)
	if err != nil {
		return fail(stderr, err)
	}
	defer d.Close()
	store := kv.NewMemory() // NB: the reset ends sessions by the account's epoch, in the database
	defer store.Close()
	by := "an operator"
	if u, err := user.Current(); err == nil {
		by = u.Username
	}
	accounts := app.NewAccounts(cfg, d, store, moderation.NewAuditLog(d), nil, log)
	if err := accounts.ResetMFA(ctx, *email, by); errors.Is(err, auth.ErrNotFound) {
		fmt.Fprintln(stderr, "capacityhub: --email: no account has this address")
		return 1
	} else if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "two-step verification reset for <%s>; every session and token of theirs ended\n", auth.NormalizeEmail(*email))
	return 0
}
