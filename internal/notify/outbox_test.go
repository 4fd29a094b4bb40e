package notify

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
)

// A message survives a mail server that is down, and goes out once it is back, exactly once.
func TestOutboxRetriesUntilSent(t *testing.T) {
	testenv.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var delivered []Message
		down := true
		o := &Outbox{db: d, log: slog.New(slog.NewTextHandler(io.Discard, nil)), send: func(m Message) error {
			if down {
				return errors.New("connection refused")
			}
			delivered = append(delivered, m)
			return nil
		}}
		if err := o.Enqueue(ctx, Message{To: "amina@example.sn", Subject: "Réinitialisation", Body: "lien"}); err != nil {
			t.Fatal(err)
		}
		if n, err := o.SendPending(ctx, 10); err != nil || n != 0 {
			t.Fatalf("with the server down: sent %d, %v", n, err)
		}
		var attempts int
		var lastErr string
		_ = d.R.QueryRow("SELECT attempts, last_error FROM outbox").Scan(&attempts, &lastErr)
		if attempts != 1 || !strings.Contains(lastErr, "refused") {
			t.Errorf("failure not recorded: %d attempts, %q", attempts, lastErr)
		}
		down = false
		if n, err := o.SendPending(ctx, 10); err != nil || n != 1 {
			t.Fatalf("with the server back: sent %d, %v", n, err)
		}
		if n, _ := o.SendPending(ctx, 10); n != 0 || len(delivered) != 1 || delivered[0].To != "amina@example.sn" {
			t.Fatalf("delivered %v; a sent message went out again", delivered)
		}
	})
}

func TestSMTPMessageFormat(t *testing.T) {
	o, err := NewOutbox(nil, "smtp://user:secret@mail.example.org:587?from=Capacity%20Hub%20%3Cno-reply%40example.org%3E", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	raw := string(o.format(Message{To: "a@example.org", Subject: "Сброс пароля", Body: "line one\nline two"}))
	for _, want := range []string{"From: Capacity Hub <no-reply@example.org>\r\n", "To: a@example.org\r\n",
		"Subject: =?utf-8?q?", "Content-Type: text/plain; charset=utf-8\r\n", "line one\r\nline two"} {
		if !strings.Contains(raw, want) {
			t.Errorf("message lacks %q:\n%s", want, raw)
		}
	}
	if _, err := NewOutbox(nil, "http://mail.example.org", nil); err == nil {
		t.Error("a non-smtp URL was accepted")
	}
}
