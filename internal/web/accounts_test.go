package web

import (
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/ccojocar/zxcvbn-go"
)

func TestScratch(t *testing.T) {
	p := &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	s := time.Now()
	for range 5 {
		argon2id.CreateHash("x", p)
	}
	t.Logf("hash %v", time.Since(s)/5)
	for _, pw := range []string{"كلمة سر طويلة", "كلمةسرقوية", "我的密码是长城万里", "长城万里黄河之水", "password1", "12345678", "qwertyuiop", "correct horse battery staple", "Nyota-kuruka-ziwa-42"} {
		t.Logf("%q %d", pw, zxcvbn.PasswordStrength(pw, nil).Score)
	}
}
