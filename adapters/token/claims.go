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

// Scopes returns a copy: the Verifier shares one Claims among every request
// presenting the same token, so callers must not be able to change it.
func (c Claims) Scopes() []string { return slices.Clone(c.scopes) }

// HasScope reports whether the token carries scope s as a whole word.
func (c Claims) HasScope(s string) bool { return slices.Contains(c.scopes, s) }

// tokenClaims is decoded by jwt into a typed struct rather than MapClaims:
// no map and no interface boxing for each claim on the per-request path.
type tokenClaims struct {
	jwt.RegisteredClaims
	Scope scopeList `json:"scope,omitempty"`
}

// scopeList accepts both encodings issuers use for "scope": the OAuth
// space-separated string ("read api") and a JSON list (["read", "api"]). It is
// written as the string form.
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
		*s = strings.Fields(str)
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
