package domain

import (
	"crypto/rand"
	"encoding/base64"
	"strconv"
)

// NewID returns a fresh identifier for a customer or an address: 128 random
// bits from the operating system's CSPRNG, base64url without padding (22
// URL-safe characters). At that size a collision is not a practical concern,
// so ids are never reused.
func NewID() string {
	var b [16]byte
	// crypto/rand.Read never fails on supported platforms (Go 1.24+).
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// CheckID validates an id given by a caller in the named argument. Ids are
// opaque: any printable string up to MaxIDLength bytes is accepted, so ids
// made by the Node.js service (shortid, e.g. "HkhhuXESl") or ObjectId-like
// strings found in existing data keep working.
func CheckID(field, id string) error {
	var p problems
	p.check(field, checkID(id))
	return p.err()
}

func checkID(id string) error {
	if len(id) > MaxIDLength {
		return broken("must be at most " + strconv.Itoa(MaxIDLength) + " bytes")
	}
	clean, err := cleanText(id, MaxIDLength, true)
	if err != nil {
		return err
	}
	if clean != id {
		return broken("must not have surrounding spaces")
	}
	return nil
}
