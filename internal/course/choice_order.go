package course

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
)

// orderKeyLabel derives the key that orders quiz choices from the server's secret, so that the
// secret itself is used for nothing else here.
const orderKeyLabel = "capacityhub course: quiz choice order"

// orderChoices shuffles the choices of each question of q, course's quiz, for the attempt
// numbered attempt (0 for the first) by the learner userID ("" for a visitor): the same
// arguments give the same order, so that a reload or a refused form shows the choices where
// they were, and each new attempt gets another order, so that "the second choice" names no
// answer. Choice ids do not change; question order stays as written. NB: the order is a keyed
// hash of the arguments, not a secret; it only needs to differ between attempts and learners.
func (s *Service) orderChoices(q *Quiz, course, userID string, attempt int) {
	for i := range q.Questions {
		choices := q.Questions[i].Choices
		mac := hmac.New(sha256.New, s.orderKey)
		for _, part := range []string{userID, course, q.Slug, q.Questions[i].ID} {
			mac.Write([]byte(part))
			mac.Write([]byte{0})
		}
		mac.Write(binary.BigEndian.AppendUint64(nil, uint64(attempt)))
		r := rand.New(rand.NewChaCha8([32]byte(mac.Sum(nil))))
		r.Shuffle(len(choices), func(a, b int) { choices[a], choices[b] = choices[b], choices[a] })
	}
}

// deriveOrderKey is the key of orderChoices, from the server's secret.
func deriveOrderKey(secret []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(orderKeyLabel))
	return mac.Sum(nil)
}
