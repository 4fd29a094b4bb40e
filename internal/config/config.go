// Package config reads Capacity Hub's settings from the environment once, validates them and
// hands one typed struct to the rest of the program. Nothing else reads the environment.
package config

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Config is every setting the server needs. It is built by Load and never changed afterwards.
type Config struct {
	Addr           string         // ADDR: listen address
	MetricsAddr    string         // METRICS_ADDR: listen address of /metrics alone; empty: not served
	BaseURL        *url.URL       // BASE_URL: public URL, without a trailing slash
	BaseURLSet     bool           // BASE_URL was set; else BaseURL is the default, http://localhost:8080
	DatabaseURL    string         // DATABASE_URL: sqlite:PATH or postgres://…
	RedisURL       string         // REDIS_URL: empty means the in-process store
	SecretKey      []byte         // SECRET_KEY: signs tokens; see Load for where it comes from
	ContentDir     string         // CONTENT_DIR: course sources
	TrustedProxies []netip.Prefix // TRUSTED_PROXIES: peers whose X-Forwarded-For is believed
	LogFormat      string         // LOG_FORMAT: text or json
	SMTPURL        string         // SMTP_URL: smtp://user:password@host:port?from=…; empty: e-mail goes to the log
	ContactEmail   string         // CONTACT_EMAIL: the address the contact page gives; empty: none is given
}

const (
	defaultContentDir = "content"
	defaultBaseURL    = "http://localhost:8080"
)

// Error names the setting at fault; its message is the one line start-up prints.
type Error struct {
	Name string
	Err  error
}

func (e *Error) Error() string { return e.Name + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// minSecretKeyLen is the shortest SECRET_KEY accepted: 32 bytes, as for an HMAC-SHA256 key.
const minSecretKeyLen = 32

// Load builds the configuration from getenv (os.Getenv in production). Each NAME may instead be
// given as NAME_FILE, the path of a file holding the value, for secrets kept out of the
// environment. In SQLite mode a missing SECRET_KEY is generated once and kept beside the database
// file, so that sessions and tokens survive a restart.
func Load(getenv func(string) string) (*Config, error) {
	get := func(name, def string) (string, error) {
		if path := getenv(name + "_FILE"); path != "" {
			b, err := os.ReadFile(path)
			if err != nil {
				return "", &Error{name + "_FILE", err}
			}
			return strings.TrimSpace(string(b)), nil
		}
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v, nil
		}
		return def, nil
	}

	c := &Config{}
	var err error
	var base, secret, proxies string
	for _, s := range []struct {
		name, def string
		dst       *string
	}{
		{"ADDR", ":8080", &c.Addr},
		{"METRICS_ADDR", "", &c.MetricsAddr},
		{"BASE_URL", "", &base},
		{"DATABASE_URL", "sqlite:data/capacityhub.db", &c.DatabaseURL},
		{"REDIS_URL", "", &c.RedisURL},
		{"SECRET_KEY", "", &secret},
		{"CONTENT_DIR", defaultContentDir, &c.ContentDir},
		{"TRUSTED_PROXIES", "", &proxies},
		{"LOG_FORMAT", "text", &c.LogFormat},
		{"SMTP_URL", "", &c.SMTPURL},
		{"CONTACT_EMAIL", "", &c.ContactEmail},
	} {
		if *s.dst, err = get(s.name, s.def); err != nil {
			return nil, err
		}
	}

	if c.BaseURLSet = base != ""; !c.BaseURLSet {
		base = defaultBaseURL
	}
	if c.BaseURL, err = parseBaseURL(base); err != nil {
		return nil, &Error{"BASE_URL", err}
	}
	if err := checkDatabaseURL(c.DatabaseURL); err != nil {
		return nil, &Error{"DATABASE_URL", err}
	}
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
			return nil, &Error{"REDIS_URL", errors.New("want redis://host:port/db or rediss://…")}
		}
	}
	if c.MetricsAddr != "" && c.MetricsAddr == c.Addr {
		return nil, &Error{"METRICS_ADDR", errors.New("must not be ADDR: the metrics are never served on the public address")}
	}
	if c.TrustedProxies, err = parseProxies(proxies); err != nil {
		return nil, &Error{"TRUSTED_PROXIES", err}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return nil, &Error{"LOG_FORMAT", fmt.Errorf("%q is neither text nor json", c.LogFormat)}
	}
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || u.Scheme != "smtp" || u.Host == "" {
			return nil, &Error{"SMTP_URL", errors.New("want smtp://user:password@host:port")}
		}
	}
	if c.ContactEmail != "" {
		if a, err := mail.ParseAddress(c.ContactEmail); err != nil || a.Address != c.ContactEmail || a.Name != "" {
			return nil, &Error{"CONTACT_EMAIL", errors.New("want an e-mail address alone, as team@example.org")}
		}
	}
	if c.ContentDir != defaultContentDir {
		// A missing ./content (the default) means the courses built into the binary; a folder
		// named on purpose must be there.
		if info, err := os.Stat(c.ContentDir); err != nil || !info.IsDir() {
			return nil, &Error{"CONTENT_DIR", fmt.Errorf("%s is not a folder", c.ContentDir)}
		}
	}
	if p := c.SQLitePath(); p != "" {
		// NB: before the secret key, which is kept beside the database when SECRET_KEY is unset.
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return nil, &Error{"DATABASE_URL", fmt.Errorf("cannot create the database's folder: %w", err)}
		}
	}
	if c.SecretKey, err = secretKey(secret, c.SQLitePath()); err != nil {
		return nil, &Error{"SECRET_KEY", err}
	}
	return c, nil
}

// IsSQLite tells whether the database is SQLite (one node) rather than PostgreSQL.
func (c *Config) IsSQLite() bool { return strings.HasPrefix(c.DatabaseURL, "sqlite:") }

// SQLitePath is the database file in SQLite mode, and "" otherwise.
func (c *Config) SQLitePath() string {
	if !c.IsSQLite() {
		return ""
	}
	return strings.TrimPrefix(c.DatabaseURL, "sqlite:")
}

// Secure tells whether the public URL is https, which turns on Secure cookies and HSTS.
func (c *Config) Secure() bool { return c.BaseURL.Scheme == "https" }

func parseBaseURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(s, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http(s) URL", s)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("must not have a query or fragment")
	}
	return u, nil
}

func checkDatabaseURL(s string) error {
	switch {
	case strings.HasPrefix(s, "sqlite:"):
		if strings.TrimPrefix(s, "sqlite:") == "" {
			return errors.New("sqlite: needs a file path, e.g. sqlite:data/capacityhub.db")
		}
		return nil
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		if _, err := url.Parse(s); err != nil {
			return errors.New("not a valid postgres:// URL")
		}
		return nil
	}
	return errors.New("want sqlite:PATH or postgres://…")
}

func parseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return nil, fmt.Errorf("%q is not a CIDR", f)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// secretKey returns the configured key, or in SQLite mode reads (or first creates) the key file
// beside the database. PostgreSQL mode means several nodes, which must share one key: there it is
// required.
func secretKey(configured, sqlitePath string) ([]byte, error) {
	if configured != "" {
		if len(configured) < minSecretKeyLen {
			return nil, fmt.Errorf("must be at least %d characters", minSecretKeyLen)
		}
		return []byte(configured), nil
	}
	if sqlitePath == "" {
		return nil, errors.New("required with PostgreSQL (every node must share one key)")
	}
	path := filepath.Join(filepath.Dir(sqlitePath), "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		key := strings.TrimSpace(string(b))
		if len(key) < minSecretKeyLen {
			return nil, fmt.Errorf("%s holds fewer than %d characters", path, minSecretKeyLen)
		}
		return []byte(key), nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	// NB: Load has made the database's folder, where the key goes.
	raw := make([]byte, 32)
	_, _ = rand.Read(raw) // NB: crypto/rand.Read never fails since Go 1.24.
	key := hex.EncodeToString(raw)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) { // another process won the race: use its key
			return secretKey("", sqlitePath)
		}
		return nil, err
	}
	if _, err := f.WriteString(key + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	return []byte(key), nil
}

// DeriveKey derives the key for one purpose ("jwt-hs256", "web/csrf") from SECRET_KEY with
// HMAC-SHA256, so that no two uses share a key and none is the secret itself.
func DeriveKey(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("capacityhub/" + purpose))
	return m.Sum(nil)
}
