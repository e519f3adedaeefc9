package token

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestIssueWritesTheMicroBaseClaims(t *testing.T) {
	iss, err := NewIssuer(secretA, "microbase")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := iss.Issue("service-a", []string{"read", "api"}, time.Hour, t0)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := jwt.NewParser(jwt.WithoutClaimsValidation()).Parse(tok, func(*jwt.Token) (any, error) { return secretA, nil })
	if err != nil {
		t.Fatal(err)
	}
	if alg := parsed.Header["alg"]; alg != "HS256" {
		t.Fatalf("alg = %v, want HS256", alg)
	}
	c := parsed.Claims.(jwt.MapClaims)
	want := map[string]any{
		"iss":   "microbase",
		"sub":   "service-a",
		"scope": "read api",
		"iat":   float64(t0.Unix()),
		"exp":   float64(t0.Add(time.Hour).Unix()),
	}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("%s = %#v, want %#v", k, c[k], v)
		}
	}
	if jti, _ := c["jti"].(string); len(jti) < 20 {
		t.Errorf("jti = %q, want a long random id", jti)
	}
}

func TestIssueGivesEachTokenItsOwnJTI(t *testing.T) {
	iss, err := NewIssuer(secretA, "")
	if err != nil {
		t.Fatal(err)
	}
	clock := t0
	v := testVerifier(t, &clock)
	seen := map[string]bool{}
	for range 50 {
		tok, err := iss.Issue("s", []string{"api"}, time.Minute, t0)
		if err != nil {
			t.Fatal(err)
		}
		claims, err := v.Verify("Bearer " + tok)
		if err != nil {
			t.Fatal(err)
		}
		if seen[claims.ID] {
			t.Fatalf("jti %q issued twice", claims.ID)
		}
		seen[claims.ID] = true
	}
}

func TestIssueRefusesWhatCouldNotRoundTrip(t *testing.T) {
	iss, err := NewIssuer(secretA, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		scopes []string
		ttl    time.Duration
	}{
		{"zero ttl", []string{"api"}, 0},
		{"negative ttl", []string{"api"}, -time.Minute},
		{"scope holding a space", []string{"read api"}, time.Minute},
		{"empty scope", []string{""}, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tok, err := iss.Issue("s", tt.scopes, tt.ttl, t0); err == nil {
				t.Fatalf("Issue = %q, want an error", tok)
			}
		})
	}
}

func TestNewIssuerRefusesAWeakSecret(t *testing.T) {
	tests := []struct {
		name   string
		secret []byte
	}{
		{"no secret", nil},
		{"one byte short", secretA[:MinSecretBytes-1]},
		{"blank", []byte(strings.Repeat(" ", MinSecretBytes))},
		{"a word", []byte("change-me")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewIssuer(tt.secret, "microbase")
			if err == nil {
				t.Fatal("NewIssuer accepted the secret")
			}
			if len(tt.secret) > 0 && strings.Contains(err.Error(), string(tt.secret)) {
				t.Fatalf("the error %q quotes the secret", err)
			}
		})
	}
}

// The minimum is a length, not a shape: MinSecretBytes of anything but
// white space sign tokens that verify.
func TestSecretOfMinSecretBytesSignsAndVerifies(t *testing.T) {
	secret := secretA[:MinSecretBytes]
	iss, err := NewIssuer(secret, "microbase")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := iss.Issue("service-a", []string{"api"}, time.Minute, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewVerifier([][]byte{secret}, "api", testMaxLifetime)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify("Bearer " + tok); err != nil {
		t.Fatal(err)
	}
}
