package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"time"
)

// Migrations are Capacity Hub's schema changes, in order. A file NNNN_name.sql runs on both
// engines; NNNN_name.sqlite.sql and NNNN_name.postgres.sql are the two halves of one migration
// where the engines need different SQL (identity columns, for instance).
//
//go:embed migrations/*.sql
var Migrations embed.FS

var migrationName = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+?)(?:\.(sqlite|postgres))?\.sql$`)

// Migration is one schema change as it applies to one engine.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Plan lists the migrations in fsys that apply to dialect d, in order. Two files with one version
// but different names, or a version missing its half for this engine, are errors.
func Plan(fsys fs.FS, d Dialect) ([]Migration, error) {
	entries, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]Migration{}
	names := map[int]string{}
	for _, path := range entries {
		base := path[len("migrations/"):]
		m := migrationName.FindStringSubmatch(base)
		if m == nil {
			return nil, fmt.Errorf("db: migration %s: name must be NNNN_name.sql or NNNN_name.{sqlite,postgres}.sql", base)
		}
		v, _ := strconv.Atoi(m[1])
		if prev, ok := names[v]; ok && prev != m[2] {
			return nil, fmt.Errorf("db: migrations %s and %s share version %d", prev, m[2], v)
		}
		names[v] = m[2]
		if m[3] != "" && Dialect(m[3]) != d {
			continue
		}
		if _, dup := byVersion[v]; dup {
			return nil, fmt.Errorf("db: migration %d has both a shared and a %s file", v, d)
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return nil, err
		}
		byVersion[v] = Migration{Version: v, Name: m[2], SQL: string(b)}
	}
	out := make([]Migration, 0, len(byVersion))
	for v, name := range names {
		m, ok := byVersion[v]
		if !ok {
			return nil, fmt.Errorf("db: migration %04d_%s has no file for %s", v, name, d)
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Migrate applies, in one transaction each, the migrations of fsys that the database lacks, and
// returns how many it applied. Several processes may call it at once: on PostgreSQL an advisory
// lock, on SQLite the single write lock, lets one of them do the work while the others wait and
// then find nothing left to do.
func (d *DB) Migrate(ctx context.Context, fsys fs.FS) (int, error) {
	plan, err := Plan(fsys, d.Dialect)
	if err != nil {
		return 0, err
	}
	applied := 0
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		if d.Dialect == Postgres {
			// NB: the key is an arbitrary constant shared by every Capacity Hub process.
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7301522)"); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY,
			name TEXT NOT NULL,
			applied_at TEXT NOT NULL)`); err != nil {
			return err
		}
		have := map[int]bool{}
		rows, err := tx.QueryContext(ctx, "SELECT version FROM schema_migrations")
		if err != nil {
			return err
		}
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			have[v] = true
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, m := range plan {
			if have[m.Version] {
				continue
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("db: migration %04d_%s: %w", m.Version, m.Name, err)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
				m.Version, m.Name, time.Now().UTC().Format(time.RFC3339)); err != nil {
				return err
			}
			applied++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return applied, nil
}
