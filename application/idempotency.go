package application

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"time"
)

// IdempotencyWindow is how long a write's key is remembered.
const IdempotencyWindow = 24 * time.Hour

// ErrIdempotencyKeyReused is what a repository returns for a keyed write
// whose key, within IdempotencyWindow, went with other arguments: nothing
// is written.
var ErrIdempotencyKeyReused = errors.New("the idempotency key was used with other arguments")

// IdempotencyKey identifies a write its caller may send again: a write
// whose Scope a store already recorded, within IdempotencyWindow, writes
// nothing and gets the recorded result. The zero key is none: the write
// is not recorded. Stores record a key in the same atomic step as the
// write it guards, and only for a write that happened: a refused or failed
// write leaves no record, and its retry runs again.
type IdempotencyKey struct {
	// Subject is who sent the key (see KeySubject); stores bound what one
	// subject makes them keep (IdempotencyLimits). Opaque.
	Subject string
	// Scope is the caller's key, within the Subject; opaque.
	Scope string
	// Fingerprint identifies the method and the arguments of the call.
	Fingerprint string
	// At is when the call came, for the window; the use case sets it.
	At time.Time
}

// NewIdempotencyKey is the key a caller, known by the issuer and the
// subject of its token, sends as key with a call whose method and
// arguments fingerprint identifies.
func NewIdempotencyKey(issuer, subject, key, fingerprint string) IdempotencyKey {
	who := digest(issuer, subject)
	return IdempotencyKey{Subject: who, Scope: digest(who, key), Fingerprint: fingerprint}
}

// digest hashes parts with their lengths, so that no two lists of parts
// share a digest ("a", "bc" and "ab", "c" differ).
func digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write(binary.AppendUvarint(nil, uint64(len(p))))
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// madeAt is k for a call made at t.
func (k IdempotencyKey) madeAt(t time.Time) IdempotencyKey {
	k.At = t
	return k
}

// Set reports whether there is a key.
func (k IdempotencyKey) Set() bool { return k.Scope != "" }

// Matches tells what a recording of a key at recordedAt with fingerprint
// means for k: replay (true, nil), another use of the key
// (ErrIdempotencyKeyReused), or a record too old to count (false, nil).
func (k IdempotencyKey) Matches(fingerprint string, recordedAt time.Time) (bool, error) {
	if !k.Live(recordedAt) {
		return false, nil
	}
	if fingerprint != k.Fingerprint {
		return false, ErrIdempotencyKeyReused
	}
	return true, nil
}

// Live reports whether a record made at recordedAt is still within the
// window at the time of k.
func (k IdempotencyKey) Live(recordedAt time.Time) bool {
	return recordedAt.After(k.At.Add(-IdempotencyWindow))
}
