package auth

import (
	"context"
	"runtime"
	"strings"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
	"github.com/ccojocar/zxcvbn-go"
	"golang.org/x/text/unicode/norm"

	"capacityhub/internal/validate"
)

// Password rules: at least minPasswordRunes characters after Unicode normalization; long
// passphrases welcome (up to maxPasswordBytes, as sent and after normalization, far beyond any
// real one, to bound hashing work: a longer one is refused before any hashing);
// any script; never truncated; common or easily guessed passwords refused.
const (
	minPasswordRunes = 8
	maxPasswordBytes = 4096
	// minGuessScore is the lowest zxcvbn score accepted (0-4). Score 2 means "somewhat guessable":
	// not among the common passwords, keyboard walks, repeats or the user's own name and address.
	minGuessScore = 2
	// strengthCheckRunes bounds the part of a password zxcvbn examines: its matching grows
	// faster than linearly, and a passphrase this long is not weak.
	strengthCheckRunes = 64
)

// hashParams are the Argon2id parameters: OWASP's recommended 19 MiB, two passes, one lane.
// Measured on this project's 2-core machine: about 35 ms per hash.
var hashParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// hasher bounds how many Argon2id computations run at once, so that a burst of sign-ins cannot
// take more memory than hashParams.Memory times this.
type hasher struct{ slots chan struct{} }

func newHasher() *hasher { return &hasher{slots: make(chan struct{}, 2*runtime.NumCPU())} }

func (h *hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *hasher) release() { <-h.slots }

// hash returns the PHC-format Argon2id hash of the normalized password.
func (h *hasher) hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return argon2id.CreateHash(normalizePassword(password), hashParams)
}

// verify tells whether password matches encoded, and whether the hash should be redone with the
// current parameters.
func (h *hasher) verify(ctx context.Context, password, encoded string) (ok, rehash bool, err error) {
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	defer h.release()
	ok, params, err := argon2id.CheckHash(normalizePassword(password), encoded)
	if err != nil || !ok {
		return false, false, err
	}
	return true, *params != *hashParams, nil
}

// dummyHash is verified against when an e-mail address is unknown, so that the answer takes as
// long as for a known one and does not tell which addresses have accounts.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$mxXfnhoJdAHMGvSWgZy5QA$ONBCZFb2ezjj36FYukqMIRDuyL4VsnSXWiaSbdeNBWE"

// normalizePassword applies NFKC, so that the same password typed on two keyboards (composed or
// decomposed accents, full-width digits) is the same password.
func normalizePassword(p string) string { return norm.NFKC.String(p) }

// checkPassword adds to errs what is wrong with password for a user with these other inputs
// (e-mail address, name), which must not make it guessable.
func checkPassword(errs *validate.Errors, field, password string, userInputs ...string) {
	if len(password) > maxPasswordBytes { // as sent, before normalization, which would read it all
		errs.Add(field, "auth.password.too_long", nil)
		return
	}
	p := normalizePassword(password)
	switch {
	case p == "":
		errs.Add(field, "field.required", nil)
	case len(p) > maxPasswordBytes:
		errs.Add(field, "auth.password.too_long", nil)
	case utf8.RuneCountInString(p) < minPasswordRunes:
		errs.Add(field, "auth.password.too_short", map[string]any{"Min": minPasswordRunes})
	case weak(p, userInputs):
		errs.Add(field, "auth.password.common", nil)
	}
}

func weak(p string, userInputs []string) bool {
	if utf8.RuneCountInString(p) > strengthCheckRunes {
		p = string([]rune(p)[:strengthCheckRunes])
	}
	var inputs []string
	for _, in := range userInputs {
		for _, f := range strings.FieldsFunc(strings.ToLower(in), func(r rune) bool { return r == '@' || r == '.' || r == ' ' }) {
			if len(f) > 2 {
				inputs = append(inputs, f)
			}
		}
	}
	return zxcvbn.PasswordStrength(p, inputs).Score < minGuessScore
}
