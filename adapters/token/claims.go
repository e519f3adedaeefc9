package token

import (
	"bytes"
	"encoding/json"
	"errors"
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

// tokenClaims is decoded by jwt into a typed struct rather than MapClaims:
// no map and no interface boxing for each claim on the per-request path.
// It spells out the registered claims instead of embedding
// jwt.RegisteredClaims so that exp, nbf and iat are read as numericDate.
type tokenClaims struct {
	Issuer    string           `json:"iss,omitempty"`
	Subject   string           `json:"sub,omitempty"`
	Audience  jwt.ClaimStrings `json:"aud,omitempty"`
	ExpiresAt *numericDate     `json:"exp,omitempty"`
	NotBefore *numericDate     `json:"nbf,omitempty"`
	IssuedAt  *numericDate     `json:"iat,omitempty"`
	ID        string           `json:"jti,omitempty"`
	Scope     scopeList        `json:"scope,omitempty"`
}

// The jwt.Claims methods, through which jwt's validator reads the claims.
func (c *tokenClaims) GetExpirationTime() (*jwt.NumericDate, error) { return c.ExpiresAt.date(), nil }
func (c *tokenClaims) GetNotBefore() (*jwt.NumericDate, error)      { return c.NotBefore.date(), nil }
func (c *tokenClaims) GetIssuedAt() (*jwt.NumericDate, error)       { return c.IssuedAt.date(), nil }
func (c *tokenClaims) GetIssuer() (string, error)                   { return c.Issuer, nil }
func (c *tokenClaims) GetSubject() (string, error)                  { return c.Subject, nil }
func (c *tokenClaims) GetAudience() (jwt.ClaimStrings, error)       { return c.Audience, nil }

// numericDate is a NumericDate as RFC 7519 §2 defines it: a JSON number of
// seconds. jwt.NumericDate also takes a quoted number ("1700000000"),
// which no conforming issuer writes; a token carrying one is refused as
// malformed rather than guessed at.
type numericDate jwt.NumericDate

var errNumericDateType = errors.New("a NumericDate must be a JSON number")

func newNumericDate(t time.Time) *numericDate { return (*numericDate)(jwt.NewNumericDate(t)) }

func (d *numericDate) UnmarshalJSON(b []byte) error {
	// A JSON number starts with a minus sign or a digit; encoding/json
	// hands the value over without surrounding white space.
	if len(b) == 0 || b[0] != '-' && (b[0] < '0' || b[0] > '9') {
		return errNumericDateType
	}
	return (*jwt.NumericDate)(d).UnmarshalJSON(b)
}

func (d numericDate) MarshalJSON() ([]byte, error) { return jwt.NumericDate(d).MarshalJSON() }

// date is d as jwt knows it; nil stays nil.
func (d *numericDate) date() *jwt.NumericDate { return (*jwt.NumericDate)(d) }

// scopeList accepts both encodings issuers use for "scope": the OAuth
// space-separated string ("read api") and a JSON list (["read", "api"]). It is
// written as the string form. The string is split on U+0020 alone, as RFC
// 6749 §3.3 writes it: "read\tapi" or "read\u00a0api" is one scope, not two,
// so white space of another kind never makes a token carry "api".
type scopeList []string

var errScopeType = errors.New("scope must be a string or a list of strings")

func (s *scopeList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return errScopeType
	case b[0] == '"':
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		*s = slices.DeleteFunc(strings.Split(str, " "), func(scope string) bool { return scope == "" })
		return nil
	case b[0] == '[':
		var list []string
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		*s = list
		return nil
	case string(b) == "null":
		*s = nil
		return nil
	default:
		return errScopeType
	}
}

func (s scopeList) MarshalJSON() ([]byte, error) {
	return json.Marshal(strings.Join(s, " "))
}
