// Command capacityhub is Capacity Hub's single binary: the server and its maintenance commands.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"capacityhub/internal/app"
	"capacityhub/internal/auth"
	"capacityhub/internal/config"
	"capacityhub/internal/course"
	"capacityhub/internal/i18n"
	"capacityhub/internal/kv"
	"capacityhub/internal/moderation"
	"capacityhub/internal/validate"
	"capacityhub/locales"
)

const usage = `Capacity Hub: courses, expert Q&A and forums on AI in telecommunications/ICTs.

Usage:
  capacityhub serve      run the web server (migrates the database first)
  capacityhub migrate    apply database migrations and exit
  capacityhub content check [DIR]
                         validate course sources (default CONTENT_DIR); exit 1 with
                         file:line: message for each problem
  capacityhub content import [DIR]
                         import or update courses from sources; learners' progress is kept
  capacityhub user create --email E --name N [--role R]... [--country CC] [--language L]
                         create an account; the password is read from standard input
  capacityhub user reset-mfa --email E
                         turn two-step verification off for a user who lost their phone and
                         recovery codes, and end their sessions (check who asks first)
  capacityhub help       show this help

Configuration comes from the environment: ADDR, BASE_URL, DATABASE_URL, REDIS_URL, SECRET_KEY,
CONTENT_DIR, TRUSTED_PROXIES, LOG_FORMAT, SMTP_URL, METRICS_ADDR (see README.md).
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
	case "serve", "migrate", "user", "content":
	default:
		fmt.Fprintf(stderr, "capacityhub: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if slices.ContainsFunc(args[1:], func(a string) bool { return a == "-h" || a == "--help" || a == "-help" }) {
		fmt.Fprint(stdout, usage) // `capacityhub serve --help` must not start a server
		return 0
	}
	if (args[0] == "serve" || args[0] == "migrate") && len(args) > 1 {
		fmt.Fprintf(stderr, "capacityhub: %s takes no arguments (got %q)\n\n%s", args[0], args[1:], usage)
		return 2
	}

	if args[0] == "content" && len(args) >= 2 && args[1] == "check" && len(args) <= 3 {
		// Checking sources needs no database, key or any other setting: it must run anywhere,
		// and write nothing (config.Load would create a secret key file).
		dir := strings.TrimSpace(getenv("CONTENT_DIR"))
		if dir == "" {
			dir = "content"
		}
		return checkContent(dir, args[2:], stdout, stderr)
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
	case "content":
		if len(args) < 2 || (args[1] != "check" && args[1] != "import") || len(args) > 3 {
			fmt.Fprint(stderr, usage)
			return 2
		}
		return contentCommand(ctx, cfg, log, args[1], args[2:], stdout, stderr)
	case "user":
		if len(args) >= 2 && args[1] == "reset-mfa" {
			return resetMFA(ctx, cfg, log, args[2:], stdout, stderr)
		}
		if len(args) < 2 || args[1] != "create" {
			fmt.Fprint(stderr, usage)
			return 2
		}
		return createUser(ctx, cfg, log, args[2:], stdin, stdout, stderr)
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

// roleFlags collects repeated --role flags.
type roleFlags []auth.Role

func (r *roleFlags) String() string { return fmt.Sprint(*r) }
func (r *roleFlags) Set(v string) error {
	if !auth.ValidRole(auth.Role(v)) {
		return fmt.Errorf("unknown role %q (want one of %v)", v, auth.Roles)
	}
	*r = append(*r, auth.Role(v))
	return nil
}

// createUser is `capacityhub user create`: it makes an account (of any role, which is how the
// first admin comes to be) with the password read from standard input, so that it appears in
// neither the process list nor the shell history.
func createUser(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "e-mail address (required)")
	name := fs.String("name", "", "full name (required)")
	country := fs.String("country", "", "ISO 3166-1 alpha-2 country code (required)")
	language := fs.String("language", "en", "preferred language: ar, zh, en, fr, ru or es")
	var roles roleFlags
	fs.Var(&roles, "role", "role to grant, repeatable: expert, moderator, curriculum_manager, admin")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	password, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return fail(stderr, fmt.Errorf("reading the password from standard input: %w", err))
	}
	password = strings.TrimRight(password, "\r\n")

	d, err := app.OpenDatabase(ctx, cfg)
	if err != nil {
		return fail(stderr, err)
	}
	defer d.Close()
	store := kv.NewMemory() // accounts need no session store to be created
	defer store.Close()
	accounts := app.NewAccounts(cfg, d, store, moderation.NewAuditLog(d), nil, log)
	u, err := accounts.Register(ctx, auth.Registration{Email: *email, Password: password, Roles: roles,
		Profile: auth.Profile{Name: *name, Country: *country, Language: *language}})
	var ve validate.Errors
	switch {
	case errors.As(err, &ve):
		bundle, lerr := i18n.Load(locales.FS)
		if lerr != nil {
			return fail(stderr, lerr)
		}
		en := bundle.Localizer(i18n.Default)
		for _, fe := range ve {
			fmt.Fprintf(stderr, "capacityhub: %s: %s\n", fieldFlag(fe.Field), en.Tf(fe.Key, fe.Args))
		}
		return 1
	case errors.Is(err, auth.ErrEmailTaken):
		fmt.Fprintf(stderr, "capacityhub: --email: an account with this address already exists\n")
		return 1
	case err != nil:
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "created user %s <%s> with roles %v\n", u.ID, u.Email, u.Roles)
	return 0
}

// fieldFlag names a registration field as the flag (or input) that sets it.
func fieldFlag(field string) string {
	if field == "password" {
		return "password (standard input)"
	}
	return "--" + field
}

// contentCommand is `capacityhub content check|import [DIR]`. Both check every course first and
// print each problem as file:line: message (paths as given, so that editors can jump to them);
// import then brings the database in line, but only when nothing is wrong.
func contentCommand(ctx context.Context, cfg *config.Config, log *slog.Logger, verb string, args []string, stdout, stderr io.Writer) int {
	dir := cfg.ContentDir
	if len(args) == 1 {
		dir = args[0]
	}
	sources, ok := loadContent(dir, stdout, stderr)
	if !ok {
		fmt.Fprintf(stderr, "capacityhub: nothing imported\n")
		return 1
	}
	d, err := app.OpenDatabase(ctx, cfg)
	if err != nil {
		return fail(stderr, err)
	}
	defer d.Close()
	rep, err := course.New(d, moderation.NewAuditLog(d), log, nil).Import(ctx, sources)
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "imported from %s: %d added, %d updated, %d unchanged\n", dir, len(rep.Added), len(rep.Updated), len(rep.Unchanged))
	return 0
}

// checkContent is `capacityhub content check [DIR]`: every problem, or else each course's
// coverage per language (lessons and quizzes written in it, of all) and the count.
func checkContent(dir string, args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 {
		dir = args[0]
	}
	sources, ok := loadContent(dir, stdout, stderr)
	if !ok {
		return 1
	}
	for _, src := range sources {
		var langs []string
		for _, c := range src.Coverage() {
			l := fmt.Sprintf("%s %d/%d lessons, %d/%d quizzes", c.Lang, c.Lessons, c.LessonsTotal, c.Quizzes, c.QuizzesTotal)
			if !c.Complete() {
				l += " (the rest in English)"
			}
			langs = append(langs, l)
		}
		fmt.Fprintf(stdout, "%s: %s\n", src.Slug, strings.Join(langs, "; "))
	}
	noun := "courses"
	if len(sources) == 1 {
		noun = "course"
	}
	fmt.Fprintf(stdout, "%d %s, no problems\n", len(sources), noun)
	return 0
}

// loadContent reads and checks the course sources in dir, printing each problem as
// file:line: message; ok is false when there is any.
func loadContent(dir string, stdout, stderr io.Writer) ([]course.Source, bool) {
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		fmt.Fprintf(stderr, "capacityhub: %s is not a folder of course sources\n", dir)
		return nil, false
	}
	sources, problems := course.LoadAll(os.DirFS(dir), app.LessonSlugsTaken)
	_, pathProblems := course.LoadPaths(os.DirFS(dir))
	problems = append(problems, pathProblems...)
	for _, p := range problems {
		p.File = filepath.Join(dir, p.File)
		fmt.Fprintln(stdout, p.String())
	}
	if len(problems) > 0 {
		noun := "problems"
		if len(problems) == 1 {
			noun = "problem"
		}
		fmt.Fprintf(stderr, "capacityhub: %d %s in %s\n", len(problems), noun, dir)
		return nil, false
	}
	return sources, true
}
