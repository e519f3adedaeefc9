package token

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/golang-jwt/jwt/v5"
)

// Issuer signs tokens a Verifier sharing its secret accepts. Give it the
// secret that signs (the first one configured), not the whole rotation list.
type Issuer struct {
	secret []byte
	issuer string
}

// NewIssuer returns an Issuer signing with secret, which must pass
// CheckSecret, and naming issuer in iss (left out when empty).
func NewIssuer(secret []byte, issuer string) (*Issuer, error) {
	if err := CheckSecret(secret); err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	return &Issuer{secret: bytes.Clone(secret), issuer: issuer}, nil
}

// Issue returns an HS256 token for subject, carrying scopes as one
// space-separated scope claim, a random jti, iat now and exp now+ttl.
func (i *Issuer) Issue(subject string, scopes []string, ttl time.Duration, now time.Time) (string, error) {
	if ttl <= 0 {
		return "", errors.New("token: ttl must be positive")
	}
	for _, s := range scopes {
		// The claim is space-separated, so such a scope would come back as
		// different scopes.
		if s == "" || strings.ContainsFunc(s, unicode.IsSpace) {
			return "", errors.New("token: a scope must be a single word")
		}
	}
	claims := &tokenClaims{
		Issuer:    i.issuer,
		Subject:   subject,
		ID:        rand.Text(),
		IssuedAt:  new(float64(now.Unix())),
		ExpiresAt: new(float64(now.Add(ttl).Unix())),
		Scope:     strings.Join(scopes, " "),
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(i.secret)
}
