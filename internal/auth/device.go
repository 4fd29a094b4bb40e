package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Device tokens are OWASP's "device cookies": a browser or client that has signed in to an
// account before gets a token naming the account, and its later sign-in attempts count against a
// budget of that device's own instead of the budgets that strangers share (per address, per
// account). So a flood of wrong guesses, from one address or from thousands, never locks the owner
// out of the devices they use; a new device is what such a flood can slow down.
//
// A token is "nonce.mac": 16 random bytes and an HMAC of the account's address and the nonce, both
// base64url. It holds nothing secret about the account and is worth nothing for another one.

const deviceNonceBytes = 16

// DeviceToken is a new device token for the account of email.
func (s *Service) DeviceToken(email string) string {
	b := make([]byte, deviceNonceBytes)
	_, _ = rand.Read(b) // NB: crypto/rand.Read never fails since Go 1.24.
	nonce := base64.RawURLEncoding.EncodeToString(b)
	return nonce + "." + s.deviceMAC(email, nonce)
}

// KnownDevice tells whether token is a device token for the account of email, and returns the
// device's id (the nonce) to key its budget by.
func (s *Service) KnownDevice(email, token string) (id string, ok bool) {
	nonce, mac, found := strings.Cut(token, ".")
	if !found || len(nonce) != base64.RawURLEncoding.EncodedLen(deviceNonceBytes) {
		return "", false
	}
	if !hmac.Equal([]byte(mac), []byte(s.deviceMAC(email, nonce))) {
		return "", false
	}
	return nonce, true
}

// deviceMAC binds nonce to the normalized address, so that every spelling of it counts as one.
func (s *Service) deviceMAC(email, nonce string) string {
	email, _ = BoundEmail(email)
	m := hmac.New(sha256.New, s.deviceKey)
	m.Write([]byte(email))
	m.Write([]byte{0})
	m.Write([]byte(nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}
