package db

import (
	"context"
	"time"
)

// WatchVersion reads the version row of table (a one-row table "id = 1, version", bumped by every
// change to what it versions: content_version, user_version) every interval until ctx ends, and
// calls moved when the version differs from the last one read (and after the first read, which
// has nothing to compare with). While the database is away it keeps trying; what callers hold
// stays as it is. table is a constant of the caller, never input.
func (d *DB) WatchVersion(ctx context.Context, table string, every time.Duration, moved func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	query := "SELECT version FROM " + table + " WHERE id = 1"
	seen, known := int64(0), false
	for {
		var v int64
		if err := d.R.QueryRowContext(ctx, query).Scan(&v); err == nil && (!known || v != seen) {
			seen, known = v, true
			moved()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
