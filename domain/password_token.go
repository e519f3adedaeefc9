package domain

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"time"
)

// passwordTokenBytes is how much randomness a token carries: 256 bits,
// twice what makes guessing hopeless, for 43 URL-safe characters.
const passwordTokenBytes = 32

// PasswordToken is what a store keeps of a token that lets a customer set
// a new password without the old one: its hash and when it stops working.
// The token itself goes to the caller once and is never kept.
//
// The hash is SHA-256, not bcrypt: bcrypt's cost is there to slow down
// guessing a password people chose, whereas a token is 256 random bits
// that no amount of guessing finds; and a store must find the customer by
// the token, which needs a hash that is the same every time (bcrypt's is
// salted).
type PasswordToken struct {
	Hash      string
	ExpiresAt time.Time
}

// NewPasswordToken makes a random token, valid for ttl from now, and
// returns it with what a store keeps of it.
func NewPasswordToken(now time.Time, ttl time.Duration) (token string, kept PasswordToken) {
	var b [passwordTokenBytes]byte
	// crypto/rand.Read never fails on supported platforms (Go 1.24+).
	_, _ = rand.Read(b[:])
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, PasswordToken{Hash: HashPasswordToken(token), ExpiresAt: now.Add(ttl)}
}

// HashPasswordToken is the hash a store finds a token by.
func HashPasswordToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// LiveAt reports whether the token still works at now.
func (t PasswordToken) LiveAt(now time.Time) bool { return now.Before(t.ExpiresAt) }

// CheckPasswordToken refuses, under field, a token no store could hold:
// empty, or longer than any token NewPasswordToken makes by far. Any other
// value is looked up, and one that matches nothing is
// ErrPasswordTokenInvalid.
func CheckPasswordToken(field, token string) error {
	if len(token) > MaxIDLength {
		return &ValidationError{Problems: []Problem{{Field: field, Message: "must be at most " + strconv.Itoa(MaxIDLength) + " bytes"}}}
	}
	return CheckGiven(field, token)
}
