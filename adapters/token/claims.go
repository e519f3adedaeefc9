package token

import (
	"errors"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Claims is what a verified token tells its caller: enough to authorise and to
// log, never the token itself.
type Claims struct {
	Subject   string    // sub
	Issuer    string    // iss
	ID        string    // jti
	ExpiresAt time.Time // exp; every verified token has one
	scopes    []string
}

// Scopes returns a copy, so that no caller changes what another sees.
func (c Claims) Scopes() []string { return slices.Clone(c.scopes) }

// HasScope reports whether the token carries scope s as a whole word.
func (c Claims) HasScope(s string) bool { return slices.Contains(c.scopes, s) }

// tokenClaims is a typed struct, not MapClaims, so that decoding boxes no
// claim per request. exp, nbf and iat are float64 because jwt.NumericDate
// also takes a quoted number ("1700000000"), which RFC 7519 §2 does not:
// such a token is refused as malformed. scope is any: issuers write it as
// a space-separated string ("read api") or a JSON list (["read", "api"]),
// and scopesOf reads both. A claim given twice keeps its last value
// (RFC 7519 §4 allows it).
type tokenClaims struct {
	Issuer    string           `json:"iss,omitempty"`
	Subject   string           `json:"sub,omitempty"`
	Audience  jwt.ClaimStrings `json:"aud,omitempty"`
	ExpiresAt *float64         `json:"exp,omitempty"`
	NotBefore *float64         `json:"nbf,omitempty"`
	IssuedAt  *float64         `json:"iat,omitempty"`
	ID        string           `json:"jti,omitempty"`
	Scope     any              `json:"scope,omitempty"`
}

// The jwt.Claims methods, through which jwt's validator reads the claims.
func (c *tokenClaims) GetExpirationTime() (*jwt.NumericDate, error) { return date(c.ExpiresAt), nil }
func (c *tokenClaims) GetNotBefore() (*jwt.NumericDate, error)      { return date(c.NotBefore), nil }
func (c *tokenClaims) GetIssuedAt() (*jwt.NumericDate, error)       { return date(c.IssuedAt), nil }
func (c *tokenClaims) GetIssuer() (string, error)                   { return c.Issuer, nil }
func (c *tokenClaims) GetSubject() (string, error)                  { return c.Subject, nil }
func (c *tokenClaims) GetAudience() (jwt.ClaimStrings, error)       { return c.Audience, nil }

// maxSeconds is 9999-12-31T23:59:59Z. A date beyond it, either way, is
// refused as malformed: converted to a time, a float64 that large has no
// meaning (Go gives whatever the platform does), so "nbf": 1e300 could
// read as long past.
const maxSeconds = 253402300799

var errDateRange = errors.New("a NumericDate beyond the year 9999")

// checkDates refuses exp, nbf and iat beyond maxSeconds.
func (c *tokenClaims) checkDates() error {
	for _, d := range []*float64{c.ExpiresAt, c.NotBefore, c.IssuedAt} {
		if d != nil && math.Abs(*d) > maxSeconds {
			return errDateRange
		}
	}
	return nil
}

// date is the NumericDate of seconds, as jwt reads one; nil stays nil.
func date(seconds *float64) *jwt.NumericDate {
	if seconds == nil {
		return nil
	}
	whole, frac := math.Modf(*seconds)
	return jwt.NewNumericDate(time.Unix(int64(whole), int64(frac*1e9)))
}

var errScopeType = errors.New("scope must be a string or a list of strings")

// scopesOf reads a scope claim. The string form is split on U+0020 alone,
// as RFC 6749 §3.3 writes it: "read\tapi" or "read\u00a0api" is one scope,
// not two, so white space of another kind never makes a token carry "api".
func scopesOf(claim any) ([]string, error) {
	switch scope := claim.(type) {
	case nil:
		return nil, nil
	case string:
		return slices.DeleteFunc(strings.Split(scope, " "), func(s string) bool { return s == "" }), nil
	case []any:
		scopes := make([]string, len(scope))
		for i, s := range scope {
			var ok bool
			if scopes[i], ok = s.(string); !ok {
				return nil, errScopeType
			}
		}
		return scopes, nil
	default:
		return nil, errScopeType
	}
}
