package app

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"capacityhub/internal/config"
)

// serve starts Serve on a free port with a fresh SQLite database and returns its address and a
// channel that receives Serve's result.
func serve(t *testing.T, ctx context.Context, env ...string) (string, chan error) {
	t.Helper()
	vars := map[string]string{"ADDR": "127.0.0.1:0", "DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "ch.db")}
	for i := 0; i+1 < len(env); i += 2 {
		vars[env[i]] = env[i+1]
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), func(a string) { addr <- a })
	}()
	select {
	case a := <-addr:
		return a, done
	case err := <-done:
		t.Fatalf("Serve ended at start: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not start within 10 s")
	}
	return "", nil
}

// The server starts on a fresh database, serves pages, and on shutdown lets a request that is in
// flight finish before it stops.
func TestServeAndGracefulShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done := serve(t, ctx)

	resp, err := http.Get("http://" + addr + "/en/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("home page: %d", resp.StatusCode)
	}

	// A request whose body is still on its way when the shutdown begins.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := "email=a%40example.org"
	if _, err := io.WriteString(conn, "POST /en/password/forgot HTTP/1.1\r\nHost: "+addr+
		"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body[:5]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	cancel() // as SIGTERM would
	time.Sleep(100 * time.Millisecond)
	if _, err := io.WriteString(conn, body[5:]); err != nil {
		t.Fatal(err)
	}
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 ") {
		t.Fatalf("the in-flight request got no answer: %q, %v", status, err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve returned %v", err)
		}
	case <-time.After(shutdownGrace + 5*time.Second):
		t.Fatal("Serve did not return after shutdown")
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("still accepting connections after shutdown")
	}
}

// The metrics are served on METRICS_ADDR alone: there they count the site's requests, and the
// public address does not serve them.
func TestMetricsOnTheirOwnAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done := serve(t, ctx, "METRICS_ADDR", metricsAddr)
	get := func(url string) (int, string) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, _ := get("http://" + addr + "/en/"); status != http.StatusOK {
		t.Fatalf("home page: %d", status)
	}
	if status, _ := get("http://" + addr + "/metrics"); status != http.StatusNotFound {
		t.Errorf("/metrics on the public address: %d, want 404", status)
	}
	status, body := get("http://" + metricsAddr + "/metrics")
	if want := `capacityhub_http_requests_total{method="GET",route="/:lang",status="200"} 1`; status != http.StatusOK || !strings.Contains(body, want) {
		t.Errorf("METRICS_ADDR: %d, want 200 with %s", status, want)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := net.DialTimeout("tcp", metricsAddr, time.Second); err == nil {
		t.Error("the metrics address still accepts connections after shutdown")
	}
}
