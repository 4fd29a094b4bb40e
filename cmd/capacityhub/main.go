// Command capacityhub is Capacity Hub's single binary: the server and its maintenance commands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"capacityhub/internal/app"
	"capacityhub/internal/config"
)

const usage = `Capacity Hub: courses, expert Q&A and forums on AI in telecommunications/ICTs.

Usage:
  capacityhub serve      run the web server (migrates the database first)
  capacityhub migrate    apply database migrations and exit
  capacityhub help       show this help

Configuration comes from the environment: ADDR, BASE_URL, DATABASE_URL, REDIS_URL, SECRET_KEY,
CONTENT_DIR, TRUSTED_PROXIES, LOG_FORMAT (see README.md).
`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// run is the whole command line, with its surroundings passed in so that tests can drive it. It
// returns the exit code: 0 done, 1 failed, 2 misused.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "serve", "migrate":
	default:
		fmt.Fprintf(stderr, "capacityhub: unknown command %q\n\n%s", args[0], usage)
		return 2
	}

	cfg, err := config.Load(getenv)
	if err != nil {
		return fail(stderr, err)
	}
	log := app.NewLogger(cfg, stderr)
	switch args[0] {
	case "serve":
		err = app.Serve(ctx, cfg, log, nil)
	case "migrate":
		err = migrate(ctx, cfg, stdout)
	}
	if err != nil {
		return fail(stderr, err)
	}
	return 0
}

func migrate(ctx context.Context, cfg *config.Config, stdout io.Writer) error {
	d, err := app.OpenDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	fmt.Fprintln(stdout, "database is up to date")
	return nil
}

// fail prints err as the one line an operator needs and returns exit code 1. Start-up errors are
// config.Errors, whose text begins with the setting at fault.
func fail(stderr io.Writer, err error) int {
	// NB: some drivers' errors span lines (pgx lists every address it tried); fold them.
	line := strings.Join(strings.Fields(err.Error()), " ")
	fmt.Fprintf(stderr, "capacityhub: %s\n", line)
	return 1
}
