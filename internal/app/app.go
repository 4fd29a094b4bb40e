// Package app is the composition root: configuration, then the database, then Redis or the
// in-process store, then the services and the web layer. It is the only place that knows how the
// pieces fit together.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"capacityhub/content"
	"capacityhub/internal/auth"
	"capacityhub/internal/config"
	"capacityhub/internal/course"
	"capacityhub/internal/db"
	"capacityhub/internal/kv"
	"capacityhub/internal/moderation"
	"capacityhub/internal/pages"
	"capacityhub/internal/web/courseweb"
)

// shutdownGrace is how long in-flight requests get to finish after SIGTERM or SIGINT.
const shutdownGrace = 20 * time.Second

// outboxInterval is how often queued e-mail is sent.
const outboxInterval = 5 * time.Second

// watchInterval is how often a server asks whether another changed the course content or the
// accounts (a role, a password, a disabled account): a change reaches every server within it
// (plus one query).
const watchInterval = 250 * time.Millisecond

// NewAccounts builds the accounts service.
func NewAccounts(cfg *config.Config, d *db.DB, store kv.Store, a *moderation.AuditLog, mail auth.Mailer, log *slog.Logger) *auth.Service {
	return auth.New(auth.Config{DB: d, KV: store, Sessions: Sessions(d, store), Secret: cfg.SecretKey,
		BaseURL: cfg.BaseURL.String(), Auditor: a, Mailer: mail, Logger: log})
}

// Sessions is where browser sessions live: in the kv store when it is shared (Redis), and in the
// database when it is this process's memory, which a restart would empty (the memory then
// caches them).
func Sessions(d *db.DB, store kv.Store) auth.SessionStore {
	if _, inProcess := store.(*kv.Memory); inProcess {
		return auth.DatabaseSessions(d, store)
	}
	return store
}

// NewLogger returns the structured logger LOG_FORMAT asks for.
func NewLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// OpenDatabase connects to DATABASE_URL and brings its schema up to date. Its errors name the
// setting, so that start-up can print them as they are.
func OpenDatabase(ctx context.Context, cfg *config.Config) (*db.DB, error) {
	d, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, &config.Error{Name: "DATABASE_URL", Err: fmt.Errorf("cannot connect: %w", err)}
	}
	if _, err := d.Migrate(ctx, db.Migrations); err != nil {
		d.Close()
		return nil, &config.Error{Name: "DATABASE_URL", Err: fmt.Errorf("cannot migrate: %w", err)}
	}
	return d, nil
}

// OpenStore returns the Redis store when REDIS_URL is set (checking that it answers) and the
// in-process store otherwise.
func OpenStore(ctx context.Context, cfg *config.Config) (kv.Store, error) {
	if cfg.RedisURL == "" {
		return kv.NewMemory(), nil
	}
	r, err := kv.NewRedis(cfg.RedisURL, "ch:")
	if err != nil {
		return nil, &config.Error{Name: "REDIS_URL", Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := r.Ping(ctx); err != nil {
		r.Close()
		// The cause (refused, timed out, no such database number…) is what the operator needs.
		cause := strings.TrimPrefix(err.Error(), kv.ErrUnavailable.Error()+": ")
		return nil, &config.Error{Name: "REDIS_URL", Err: fmt.Errorf("cannot connect: %s", cause)}
	}
	return r, nil
}

// LessonSlugsTaken are the path segments that the course pages use beside lesson slugs
// (/{lang}/courses/{slug}/offline…); set from the web layer. Course import refuses a lesson
// slug among them, since such a lesson could never be reached.
var LessonSlugsTaken = courseweb.LessonSlugsTaken

// ContentSources returns the course sources: CONTENT_DIR when that folder exists, else the ones
// built into the binary (config.Load has refused a CONTENT_DIR that was set and is no folder, so
// this happens only with the default).
func ContentSources(cfg *config.Config) (fs.FS, string) {
	if info, err := os.Stat(cfg.ContentDir); err == nil && info.IsDir() {
		return os.DirFS(cfg.ContentDir), cfg.ContentDir
	}
	return content.FS, "(built-in content)"
}

// PageSources returns the folder of the information pages (pages.Dir): CONTENT_DIR's when it
// has one, else the pages built into the binary, so that a CONTENT_DIR of courses alone still
// has its privacy notice.
func PageSources(cfg *config.Config) fs.FS {
	fsys, _ := ContentSources(cfg)
	if info, err := fs.Stat(fsys, pages.Dir); err == nil && info.IsDir() {
		return fsys
	}
	return content.FS
}

// ImportContent imports the valid courses of the sources and logs every problem of the others:
// a broken course must not keep the server from starting. A valid course whose prerequisite is
// one of those is imported all the same, with a warning: its page lacks that prerequisite (or
// shows the one an earlier import stored) until the other course is fixed.
func ImportContent(ctx context.Context, courses *course.Service, fsys fs.FS, where string, log *slog.Logger) error {
	return ImportLoaded(ctx, courses, LoadContent(fsys, where), log)
}

// LoadedContent is the course sources and learning paths of a folder, read and checked, ready to
// import: reading them needs no database, so start-up does it while the database opens.
type LoadedContent struct {
	where        string
	sources      []course.Source
	problems     []course.Problem
	paths        []course.CurriculumInput
	pathProblems []course.Problem
}

// LoadContent reads and checks the courses and learning paths of fsys (where names it in logs).
func LoadContent(fsys fs.FS, where string) *LoadedContent {
	lc := &LoadedContent{where: where}
	lc.sources, lc.problems = course.LoadAll(fsys, LessonSlugsTaken)
	lc.paths, lc.pathProblems = course.LoadPaths(fsys)
	return lc
}

// ImportLoaded is ImportContent of content already loaded.
func ImportLoaded(ctx context.Context, courses *course.Service, lc *LoadedContent, log *slog.Logger) error {
	where := lc.where
	for _, p := range lc.problems {
		log.Warn("course source problem: course not imported", "where", where, "problem", p.String())
	}
	valid := map[string]bool{}
	for _, s := range lc.sources {
		valid[s.Slug] = true
	}
	for _, s := range lc.sources {
		for _, p := range s.Prerequisites {
			if !valid[p] {
				log.Warn("course prerequisite not imported: it has source problems", "where", where, "course", s.Slug, "prerequisite", p)
			}
		}
	}
	rep, err := courses.Import(ctx, lc.sources)
	if err != nil {
		return err
	}
	log.Info("courses imported", "from", where, "added", len(rep.Added), "updated", len(rep.Updated), "unchanged", len(rep.Unchanged))
	for _, p := range lc.pathProblems {
		log.Warn("learning path not imported", "where", where, "problem", p.String())
	}
	added, err := courses.ImportPaths(ctx, lc.paths)
	if err != nil {
		return err
	}
	if len(added) > 0 {
		log.Info("learning paths imported", "from", where, "added", added)
	}
	return nil
}

// Serve runs the server until ctx ends or SIGTERM/SIGINT arrives, then lets in-flight requests
// finish (up to shutdownGrace) and closes everything. ready, when not nil, receives the address
// once the server listens.
func Serve(ctx context.Context, cfg *config.Config, log *slog.Logger, ready func(addr string)) error {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	// Start-up allocates much and keeps little (migrations, the built-in courses rendered and
	// compared): collect less often until serving, then as configured (GOGC).
	gcPercent := debug.SetGCPercent(400)
	defer debug.SetGCPercent(gcPercent) // NB: also when start-up fails; serving restores it sooner, below
	// The course sources are read and rendered while the database opens and migrates.
	fsys, where := ContentSources(cfg)
	loaded := make(chan *LoadedContent, 1)
	go func() { loaded <- LoadContent(fsys, where) }()
	database, err := OpenDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer database.Close()
	store, err := OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	svc, err := NewServices(cfg, database, store, log)
	if err != nil {
		return err
	}
	if err := ImportLoaded(ctx, svc.Courses, <-loaded, log); err != nil {
		return &config.Error{Name: "CONTENT_DIR", Err: err}
	}
	app, metrics, err := NewWeb(cfg, database, store, svc, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return &config.Error{Name: "ADDR", Err: err}
	}
	if cfg.MetricsAddr != "" {
		stopMetrics, err := serveMetrics(cfg.MetricsAddr, metrics, log)
		if err != nil {
			ln.Close()
			return &config.Error{Name: "METRICS_ADDR", Err: err}
		}
		defer stopMetrics()
	}
	// The outbox sender stops before the database closes (deferred above, so run after this),
	// whichever way Serve returns: it must never log into a closed database or a gone caller.
	sendCtx, stopSending := context.WithCancel(ctx)
	var sending sync.WaitGroup
	sending.Go(func() { svc.Outbox.Run(sendCtx, outboxInterval) })
	// Content changed by another server (an import, a publication) reaches this one's memory.
	sending.Go(func() { svc.Courses.WatchContent(sendCtx, watchInterval) })
	sending.Go(func() { svc.Auth.WatchUsers(sendCtx, watchInterval) })
	defer sending.Wait()
	defer stopSending()
	log.Info("serving", "addr", ln.Addr().String(), "base_url", cfg.BaseURL.String(),
		"database", string(database.Dialect), "kv", storeKind(cfg))
	if ready != nil {
		ready(ln.Addr().String())
	}

	debug.SetGCPercent(gcPercent)
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	// Start-up (migrations, rendering the built-in courses) leaves tens of megabytes of garbage
	// that the runtime would keep from the OS for minutes: give it back now, once.
	go debug.FreeOSMemory()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", shutdownGrace.String())
	if err := app.ShutdownWithTimeout(shutdownGrace); err != nil {
		return fmt.Errorf("shutdown: requests still running after %v: %w", shutdownGrace, err)
	}
	return <-served
}

// serveMetrics serves /metrics alone on addr, apart from the public address, so that the
// site's visitors can neither read the metrics nor flood their collection. The returned func
// stops it.
func serveMetrics(addr string, metrics http.Handler, log *slog.Logger) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "err", err)
		}
	}()
	log.Info("serving metrics", "addr", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

func storeKind(cfg *config.Config) string {
	if cfg.RedisURL == "" {
		return "memory"
	}
	return "redis"
}
