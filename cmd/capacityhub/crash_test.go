package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"capacityhub/internal/db"
)

// childEnv, when set, makes the test binary run `capacityhub serve` instead of the tests: the
// crash test starts the real server in a process of its own, so that it can kill it.
const childEnv = "CAPACITYHUB_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "serve" {
		os.Exit(run(context.Background(), []string{"serve"}, os.Getenv, os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

var servingAddr = regexp.MustCompile(`msg=serving addr=(\S+)`)

// child is a server running in a process of its own.
type child struct {
	cmd      *exec.Cmd
	readDone chan struct{} // closed when its standard error is read to the end
	once     sync.Once
}

// kill stops the process at once (SIGKILL: no shutdown, nothing flushed) and waits for it.
func (c *child) kill() {
	c.once.Do(func() {
		_ = c.cmd.Process.Signal(syscall.SIGKILL)
		<-c.readDone // NB: Wait closes the pipe, so every read of it must be over first
		_ = c.cmd.Wait()
	})
}

// startChild runs the server on the SQLite database at dbPath and returns its address and the
// process. It is killed, if still running, when the test ends.
func startChild(t *testing.T, dbPath string) (string, *child) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"=serve", "DATABASE_URL=sqlite:"+dbPath, "ADDR=127.0.0.1:0",
		"REDIS_URL=", "TRUSTED_PROXIES=127.0.0.1/32", "LOG_FORMAT=text", "CONTENT_DIR=", "SMTP_URL=")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, readDone: make(chan struct{})}
	t.Cleanup(c.kill)
	found := make(chan string, 1)
	go func() {
		defer close(c.readDone)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := servingAddr.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case addr := <-found:
		return addr, c
	case <-time.After(60 * time.Second):
		t.Fatal("the server did not start within 60 s")
	}
	return "", nil
}

// Writers that hammer the server at once never meet "database is locked", and killing the process
// (SIGKILL: no shutdown, no flush) loses none of the writes it had acknowledged: every account it
// answered 201 for is in the database after a restart, and can sign in.
func TestKilledServerLosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server twice")
	}
	dbPath := filepath.Join(t.TempDir(), "ch.db")
	addr, server := startChild(t, dbPath)

	const writers, killAfter = 6, 18
	var (
		mu        sync.Mutex
		acked     []string
		failures  []string
		n         atomic.Int64
		killed    = make(chan struct{})
		killOnce  sync.Once
		wg        sync.WaitGroup
		client    = &http.Client{Timeout: 30 * time.Second}
		passwordX = "a sturdy passphrase for the crash test"
	)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				email := fmt.Sprintf("writer%d-%d@example.org", w, i)
				body, _ := json.Marshal(map[string]string{"email": email, "password": passwordX, "name": "Crash Test", "country": "KE"})
				req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/api/v1/auth/register", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", w, i/250, i%250+1)) // one client each: no rate limit
				resp, err := client.Do(req)
				if err != nil {
					select {
					case <-killed:
						return // the server is gone: this write was never acknowledged
					default:
						mu.Lock()
						failures = append(failures, email+": "+err.Error())
						mu.Unlock()
						return
					}
				}
				msg, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "" {
					// The password-hashing queue is full (a loaded machine): nothing was written,
					// and the client is told to try again, as this one does, with the same account.
					time.Sleep(200 * time.Millisecond)
					i--
					continue
				}
				if resp.StatusCode != http.StatusCreated {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("%s: %d %s", email, resp.StatusCode, msg))
					mu.Unlock()
					return
				}
				mu.Lock()
				acked = append(acked, email)
				mu.Unlock()
				if n.Add(1) == killAfter {
					// Killed while the other writers are mid-request.
					killOnce.Do(func() {
						close(killed) // first: the other writers' failures from now on are expected
						server.kill()
					})
				}
			}
		}()
	}
	wg.Wait()
	server.kill()
	if len(failures) > 0 {
		t.Fatalf("writes refused before the kill: %v", failures)
	}
	if len(acked) < killAfter {
		t.Fatalf("only %d writes acknowledged", len(acked))
	}

	// Restarted on the same file, the server starts and every acknowledged account is there.
	addr, _ = startChild(t, dbPath)
	d, err := db.Open(context.Background(), "sqlite:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	stored := map[string]bool{}
	rows, err := d.R.Query("SELECT email FROM users")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			t.Fatal(err)
		}
		stored[e] = true
	}
	rows.Close()
	var lost []string
	for _, e := range acked {
		if !stored[e] {
			lost = append(lost, e)
		}
	}
	if len(lost) > 0 {
		t.Fatalf("%d of %d acknowledged accounts lost in the crash: %v", len(lost), len(acked), lost)
	}
	t.Logf("%d accounts acknowledged before the kill, all there after the restart (%d stored)", len(acked), len(stored))

	body, _ := json.Marshal(map[string]string{"email": acked[len(acked)-1], "password": passwordX})
	resp, err := client.Post("http://"+addr+"/api/v1/auth/token", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("signing in as the last acknowledged account after the restart: %d", resp.StatusCode)
	}
}
