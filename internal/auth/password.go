package auth

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
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

// hasher bounds Argon2id work: at most capacity hashes run at once (so that a burst of sign-ins
// cannot take more memory than hashParams.Memory times that), and a bounded number of requests
// wait for a turn, in two lanes: requests marked WithPriority (a sign-in from a device the account
// knows) go first. A request finding its lane full is refused at once with ErrBusy, and one that
// waited maxWait is refused too: a sign-in flood then costs a stranger a quick "try again" rather
// than seconds behind the flood, and costs the owner on her own device almost nothing. NB:
// fasthttp gives no notice of a client that has hung up, so maxWait stands in for "drop work
// whose client has gone"; a caller whose context ends (shutdown) is dropped at once.
type hasher struct {
	capacity int
	maxQueue [2]int           // per lane: priority, others
	maxWait  [2]time.Duration // per lane

	mu      sync.Mutex
	running int
	queue   [2][]chan struct{} // FIFO per lane; a closed channel hands its waiter a turn
}

// Hashing capacity: one hash per core at a time (more would only share the cores and make each
// slower), eight more per core waiting, and a second at most in the queue. Measured on this
// project's 2-core machine: a hash takes about 35 ms, so a full queue drains in about 140 ms.
const (
	hashQueuedPerCPU = 8
	hashMaxWait      = time.Second
	// hashMaxWaitFirst is the first lane's wait: the owner on her own device waits for a turn
	// rather than be refused, as she goes ahead of everyone else anyway.
	hashMaxWaitFirst = 5 * time.Second
)

func newHasher() *hasher {
	n := runtime.NumCPU()
	return &hasher{capacity: n, maxQueue: [2]int{2 * n, hashQueuedPerCPU * n}, maxWait: [2]time.Duration{hashMaxWaitFirst, hashMaxWait}}
}

type priorityKey struct{}

// WithPriority marks ctx as the sign-in of a client that the account knows (it signed in from
// there before): its password check waits ahead of everyone else's.
func WithPriority(ctx context.Context) context.Context {
	return context.WithValue(ctx, priorityKey{}, true)
}

func lane(ctx context.Context) int {
	if ctx.Value(priorityKey{}) != nil {
		return 0
	}
	return 1
}

func (h *hasher) acquire(ctx context.Context) error {
	l := lane(ctx)
	h.mu.Lock()
	if h.running < h.capacity && len(h.queue[0]) == 0 && (l == 0 || len(h.queue[1]) == 0) {
		h.running++
		h.mu.Unlock()
		return nil
	}
	if len(h.queue[l]) >= h.maxQueue[l] {
		h.mu.Unlock()
		return ErrBusy
	}
	turn := make(chan struct{})
	h.queue[l] = append(h.queue[l], turn)
	h.mu.Unlock()

	timer := time.NewTimer(h.maxWait[l])
	defer timer.Stop()
	var err error
	select {
	case <-turn:
		return nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-timer.C:
		err = ErrBusy
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if i := slices.Index(h.queue[l], turn); i >= 0 {
		h.queue[l] = slices.Delete(h.queue[l], i, i+1)
		return err
	}
	return nil // NB: handed a turn while giving up: take it rather than waste it
}

// release ends a hash: the turn passes to the first waiter of the first lane that has one.
func (h *hasher) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for l := range h.queue {
		if len(h.queue[l]) > 0 {
			close(h.queue[l][0])
			h.queue[l] = h.queue[l][1:]
			return
		}
	}
	h.running--
}

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
