package app

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"capacityhub/internal/config"
)

func TestZZStart(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for range 5 {
		base, _ := url.Parse("http://127.0.0.1:0")
		cfg := &config.Config{Addr: "127.0.0.1:0", BaseURL: base, DatabaseURL: "sqlite:" + filepath.Join(t.TempDir(), "x.db"), LogFormat: "json",
			SecretKey: []byte(strings.Repeat("s", 32))}
		ctx := context.Background()
		t0 := time.Now()
		d, err := OpenDatabase(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t1 := time.Now()
		store, _ := OpenStore(ctx, cfg)
		svc, err := NewServices(cfg, d, store, log)
		if err != nil {
			t.Fatal(err)
		}
		t2 := time.Now()
		fsys, where := ContentSources(cfg)
		if err := ImportContent(ctx, svc.Courses, fsys, where, log); err != nil {
			t.Fatal(err)
		}
		t3 := time.Now()
		if _, _, err := NewWeb(cfg, d, store, svc, log); err != nil {
			t.Fatal(err)
		}
		t.Logf("db %v services %v import %v web %v", t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), time.Since(t3))
		d.Close()
		store.Close()
	}
}
