package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(env(map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(dir, "ch.db")}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.BaseURL.String() != "http://localhost:8080" || c.ContentDir != "content" || c.LogFormat != "text" || c.RedisURL != "" {
		t.Errorf("defaults differ from CONTRACT.md: %+v", c)
	}
	if c.Secure() {
		t.Error("http BASE_URL must not count as secure")
	}
	// The generated key is kept, so a restart keeps sessions and tokens valid.
	again, err := Load(env(map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(dir, "ch.db")}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.SecretKey) < minSecretKeyLen || string(c.SecretKey) != string(again.SecretKey) {
		t.Errorf("secret key not generated once and kept: %q vs %q", c.SecretKey, again.SecretKey)
	}
	info, err := os.Stat(filepath.Join(dir, "secret.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("secret.key must exist with mode 0600: %v %v", info, err)
	}
}

func TestLoadRejectsBadSettings(t *testing.T) {
	dir := t.TempDir()
	sqlite := "sqlite:" + filepath.Join(dir, "x.db")
	for _, tc := range []struct {
		name    string
		env     map[string]string
		setting string
	}{
		{"base url not http", map[string]string{"BASE_URL": "ftp://x", "DATABASE_URL": sqlite}, "BASE_URL"},
		{"base url with query", map[string]string{"BASE_URL": "https://x.org/?a=1", "DATABASE_URL": sqlite}, "BASE_URL"},
		{"unknown database", map[string]string{"DATABASE_URL": "mysql://x"}, "DATABASE_URL"},
		{"empty sqlite path", map[string]string{"DATABASE_URL": "sqlite:"}, "DATABASE_URL"},
		{"redis scheme", map[string]string{"DATABASE_URL": sqlite, "REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL"},
		{"proxy not a cidr", map[string]string{"DATABASE_URL": sqlite, "TRUSTED_PROXIES": "10.0.0.0/8, nonsense"}, "TRUSTED_PROXIES"},
		{"log format", map[string]string{"DATABASE_URL": sqlite, "LOG_FORMAT": "xml"}, "LOG_FORMAT"},
		{"contact not an address", map[string]string{"DATABASE_URL": sqlite, "CONTACT_EMAIL": "the ITU-D team"}, "CONTACT_EMAIL"},
		{"contact with a name", map[string]string{"DATABASE_URL": sqlite, "CONTACT_EMAIL": "Team <team@example.org>"}, "CONTACT_EMAIL"},
		{"metrics on the public address", map[string]string{"DATABASE_URL": sqlite, "ADDR": ":8080", "METRICS_ADDR": ":8080"}, "METRICS_ADDR"},
		{"short secret", map[string]string{"DATABASE_URL": sqlite, "SECRET_KEY": "short"}, "SECRET_KEY"},
		{"postgres needs a secret", map[string]string{"DATABASE_URL": "postgres://localhost/x"}, "SECRET_KEY"},
		{"unreadable _FILE", map[string]string{"DATABASE_URL": sqlite, "SECRET_KEY_FILE": filepath.Join(dir, "missing")}, "SECRET_KEY_FILE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(env(tc.env))
			var ce *Error
			if !errors.As(err, &ce) || ce.Name != tc.setting {
				t.Fatalf("want an error naming %s, got %v", tc.setting, err)
			}
			if strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), tc.setting+": ") {
				t.Errorf("error must be one line starting with the setting: %q", err)
			}
		})
	}
}

func TestLoadReadsFilesAndProxies(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret")
	if err := os.WriteFile(secret, []byte(strings.Repeat("k", 40)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{
		"DATABASE_URL":    "postgres://db.internal/capacityhub",
		"SECRET_KEY_FILE": secret,
		"BASE_URL":        "https://hub.example.org/",
		"TRUSTED_PROXIES": "10.0.0.0/8 192.168.1.7",
		"REDIS_URL":       "redis://127.0.0.1:6379/0",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if string(c.SecretKey) != strings.Repeat("k", 40) {
		t.Errorf("SECRET_KEY_FILE not read: %q", c.SecretKey)
	}
	if !c.Secure() || c.BaseURL.String() != "https://hub.example.org" {
		t.Errorf("BASE_URL: %v secure=%v", c.BaseURL, c.Secure())
	}
	if len(c.TrustedProxies) != 2 || c.TrustedProxies[1].String() != "192.168.1.7/32" {
		t.Errorf("TRUSTED_PROXIES: %v", c.TrustedProxies)
	}
	if c.IsSQLite() || c.SQLitePath() != "" {
		t.Error("postgres URL taken for SQLite")
	}
}
