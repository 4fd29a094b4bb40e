package auth

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// totpOptions are the one TOTP profile served (RFC 6238's defaults, which every app speaks).
var totpOptions = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// TOTPCode is the code an authenticator app holding secret shows at t: what a test, or a script
// enrolled through the API, sends as "otp".
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totpOptions)
}

// matchStep is the time step, within one step of now and later than after, whose code is code; 0
// when there is none. NB: after is the last step accepted for the user: a code is never accepted
// twice, nor an older one once a newer one was.
func matchStep(secret, code string, now time.Time, after int64) int64 {
	if len(code) != totpOptions.Digits.Length() {
		return 0
	}
	period := int64(totpOptions.Period)
	current := now.Unix() / period
	for step := current - int64(totpOptions.Skew); step <= current+int64(totpOptions.Skew); step++ {
		if step <= after {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*period, 0), totpOptions)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step
		}
	}
	return 0
}

// enrolmentURI is the otpauth:// URI of u's key, as StartMFA first gave it.
func enrolmentURI(u *User, secret string) string {
	v := url.Values{"secret": {secret}, "issuer": {mfaIssuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	label := url.PathEscape(mfaIssuer + ":" + u.Email)
	return "otpauth://totp/" + label + "?" + v.Encode()
}

// normalizeCode is a code as typed, without the spaces and dashes people add, in lower case; input
// longer than any code becomes "-", which matches nothing, without further work.
func normalizeCode(code string) string {
	if len(code) > maxCodeBytes {
		return "-"
	}
	return strings.ToLower(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(code))
}

// recoveryEncoding writes recovery codes: lower-case base32 (no 0, 1, 8 or 9 to mistake).
var recoveryEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newRecoveryCodes makes RecoveryCodeCount codes of 80 random bits each, shown as
// "xxxx-xxxx-xxxx-xxxx", and their hashes to store. NB: 80 bits make a stolen hash useless
// without any key: no one can try 2^80 codes.
func newRecoveryCodes() (codes, hashes []string) {
	for range RecoveryCodeCount {
		b := make([]byte, 10)
		_, _ = rand.Read(b) // NB: never fails since Go 1.24
		c := recoveryEncoding.EncodeToString(b)
		codes = append(codes, c[0:4]+"-"+c[4:8]+"-"+c[8:12]+"-"+c[12:16])
		hashes = append(hashes, hashToken(c))
	}
	return codes, hashes
}

// checkCode accepts a current authenticator code or an unused recovery code of u, each once, and
// says which it was (for the audit log). A wrong code is ErrMFARequired and counts against the
// account's limit; past the limit every code is ErrMFALocked.
func (s *Service) checkCode(ctx context.Context, u *User, code string) (string, error) {
	if err := s.checkNotLocked(ctx, u.ID); err != nil {
		return "", err
	}
	code = normalizeCode(code)
	var how string
	var ok bool
	var err error
	if len(code) == totpOptions.Digits.Length() {
		how = "with an authenticator code"
		ok, err = s.acceptTOTP(ctx, u, code)
	} else if len(code) == 16 {
		how = "with a recovery code"
		ok, err = s.store.useRecoveryCode(ctx, u.ID, hashToken(code), s.now())
	}
	if err != nil {
		return "", err
	}
	if !ok {
		s.countWrongCode(ctx, u.ID)
		return "", ErrMFARequired
	}
	if how == "with a recovery code" {
		s.audit(ctx, Event{ActorID: u.ID, Action: "auth.mfa_recovery_used", Target: u.ID})
	}
	return how, nil
}

// acceptTOTP accepts code if it is current and its step is later than any accepted before; of two
// requests racing with one code, only one wins (acceptStep).
func (s *Service) acceptTOTP(ctx context.Context, u *User, code string) (bool, error) {
	row, err := s.store.mfa(ctx, u.ID)
	if errors.Is(err, ErrNotFound) || (err == nil && !row.on()) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	secret, err := s.openSecret(u.ID, row.sealed)
	if err != nil {
		return false, err
	}
	step := matchStep(secret, code, s.now(), row.lastStep)
	if step == 0 {
		return false, nil
	}
	return s.store.acceptStep(ctx, u.ID, step)
}

func wrongCodesKey(userID string) string { return "mfa-wrong:" + userID }

// checkNotLocked is ErrMFALocked while the account has had MaxWrongCodes wrong codes in the
// current window. NB: a store failure refuses (fail closed), as the sign-in limits do.
func (s *Service) checkNotLocked(ctx context.Context, userID string) error {
	b, err := s.kv.Get(ctx, wrongCodesKey(userID))
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	var n int
	if _, err := fmt.Sscan(string(b), &n); err == nil && n >= MaxWrongCodes {
		return ErrMFALocked
	}
	return nil
}

// countWrongCode adds a wrong code to the account's count, which starts a window of
// WrongCodeWindow at its first. A failure is logged: the code is refused either way.
func (s *Service) countWrongCode(ctx context.Context, userID string) {
	key := wrongCodesKey(userID)
	if _, err := s.kv.SetNX(ctx, key, []byte("0"), WrongCodeWindow); err != nil {
		s.log.Warn("wrong two-step code not counted", "err", err)
		return
	}
	if _, err := s.kv.Incr(ctx, key); err != nil {
		s.log.Warn("wrong two-step code not counted", "err", err)
	}
}

// sealSecret encrypts a TOTP key for storage (AES-256-GCM under a key derived from SECRET_KEY),
// bound to its user: a sealed key copied to another user's row does not open.
func (s *Service) sealSecret(userID, secret string) (string, error) {
	gcm, err := s.mfaCipher()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawStdEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(secret), []byte(userID))), nil
}

// openSecret decrypts what sealSecret sealed for userID.
func (s *Service) openSecret(userID, sealed string) (string, error) {
	gcm, err := s.mfaCipher()
	if err != nil {
		return "", err
	}
	b, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(b) < gcm.NonceSize() {
		return "", errors.New("auth: sealed TOTP key unreadable")
	}
	plain, err := gcm.Open(nil, b[:gcm.NonceSize()], b[gcm.NonceSize():], []byte(userID))
	if err != nil {
		return "", fmt.Errorf("auth: sealed TOTP key does not open (SECRET_KEY changed?): %w", err)
	}
	return string(plain), nil
}

func (s *Service) mfaCipher() (cipher.AEAD, error) {
	block, err := aes.NewCipher(s.mfaKey)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
