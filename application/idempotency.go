package application

import (
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
	// Scope is the caller's key, within the caller's identity; opaque.
	Scope string
	// Fingerprint identifies the method and the arguments of the call.
	Fingerprint string
	// At is when the call came, for the window; the use case sets it.
	At time.Time
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
	if !recordedAt.After(k.At.Add(-IdempotencyWindow)) {
		return false, nil
	}
	if fingerprint != k.Fingerprint {
		return false, ErrIdempotencyKeyReused
	}
	return true, nil
}
