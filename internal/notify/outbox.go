// Package notify sends what Capacity Hub has to tell people: e-mail through an outbox table, so
// that a message is kept even when the mail server is down and sent once it is back.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	"mime"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"capacityhub/internal/db"
)

// Message is one e-mail.
type Message struct {
	To      string
	Subject string
	Body    string // plain text
}

// Outbox queues messages in the database and a background sender delivers them.
type Outbox struct {
	db   *db.DB
	send func(Message) error // SMTP, or the log when no SMTP_URL is set
	log  *slog.Logger
	from string
}

// NewOutbox returns an outbox that sends through smtpURL (smtp://user:password@host:port, with
// ?from=address) or, when smtpURL is empty, writes each message to the log instead.
func NewOutbox(d *db.DB, smtpURL string, log *slog.Logger) (*Outbox, error) {
	o := &Outbox{db: d, log: log, from: "Capacity Hub <no-reply@localhost>"}
	if smtpURL == "" {
		o.send = o.logMessage
		return o, nil
	}
	u, err := url.Parse(smtpURL)
	if err != nil || u.Scheme != "smtp" || u.Host == "" {
		return nil, fmt.Errorf("want smtp://user:password@host:port")
	}
	if f := u.Query().Get("from"); f != "" {
		o.from = f
	}
	var auth smtp.Auth
	if u.User != nil {
		pass, _ := u.User.Password()
		auth = smtp.PlainAuth("", u.User.Username(), pass, u.Hostname())
	}
	o.send = func(m Message) error {
		return smtp.SendMail(u.Host, auth, addressOf(o.from), []string{m.To}, o.format(m))
	}
	return o, nil
}

func addressOf(from string) string {
	if i := strings.LastIndex(from, "<"); i >= 0 {
		return strings.TrimSuffix(from[i+1:], ">")
	}
	return from
}

func (o *Outbox) format(m Message) []byte {
	var b strings.Builder
	b.WriteString("From: " + o.from + "\r\n")
	b.WriteString("To: " + m.To + "\r\n")
	b.WriteString("Subject: " + mimeWord(m.Subject) + "\r\n")
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(m.Body, "\n", "\r\n"))
	return []byte(b.String())
}

// mimeWord encodes a header value that is not plain ASCII (RFC 2047), as most subjects here are.
func mimeWord(s string) string { return mime.QEncoding.Encode("utf-8", s) }

// logMessage is the sender when no SMTP server is configured: the message, reset links included,
// goes to the log so that a developer can follow it.
func (o *Outbox) logMessage(m Message) error {
	o.log.Info("e-mail not sent (no SMTP_URL): message follows", "to", m.To, "subject", m.Subject, "body", m.Body)
	return nil
}

// Enqueue stores m for sending.
func (o *Outbox) Enqueue(ctx context.Context, m Message) error {
	_, err := o.db.W.ExecContext(ctx, `INSERT INTO outbox (id, recipient, subject, body, created_at)
		VALUES ($1, $2, $3, $4, $5)`, db.NewID(), m.To, m.Subject, m.Body, db.FormatTime(time.Now()))
	return err
}

// maxAttempts is how often the sender tries one message before leaving it for an operator.
const maxAttempts = 8

// SendPending sends up to limit unsent messages and returns how many went out.
// NB: with several nodes, two may pick the same message; marking it sent is conditional, so it is
// recorded once, but it can in rare cases be delivered twice. For password-reset mail that is
// harmless.
func (o *Outbox) SendPending(ctx context.Context, limit int) (int, error) {
	rows, err := o.db.R.QueryContext(ctx, `SELECT id, recipient, subject, body FROM outbox
		WHERE sent_at IS NULL AND attempts < $1 ORDER BY created_at LIMIT $2`, maxAttempts, limit)
	if err != nil {
		return 0, err
	}
	type pending struct {
		id string
		m  Message
	}
	var batch []pending
	for rows.Next() {
		var p pending
		if err := rows.Scan(&p.id, &p.m.To, &p.m.Subject, &p.m.Body); err != nil {
			rows.Close()
			return 0, err
		}
		batch = append(batch, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	sent := 0
	for _, p := range batch {
		if err := o.send(p.m); err != nil {
			o.log.Warn("e-mail not sent; will retry", "id", p.id, "err", err)
			if _, err := o.db.W.ExecContext(ctx, "UPDATE outbox SET attempts = attempts + 1, last_error = $1 WHERE id = $2", err.Error(), p.id); err != nil {
				return sent, err
			}
			continue
		}
		// NB: the body goes once sent: it may hold a password-reset link, which must not outlive its
		// delivery in a database that backups copy.
		if _, err := o.db.W.ExecContext(ctx, "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, body = '' WHERE id = $2 AND sent_at IS NULL",
			db.FormatTime(time.Now()), p.id); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// Run sends pending messages every interval until ctx ends.
func (o *Outbox) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := o.SendPending(ctx, 50); err != nil && ctx.Err() == nil {
			o.log.Error("outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
