package token

import (
	"fmt"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestAKeptTokenIsCheckedAgainstTheClockAndItsLifetimeOnEveryCall(t *testing.T) {
	tests := []struct {
		name   string
		claims jwt.MapClaims
		later  time.Time // the clock on the second call
		want   Reason
	}{
		{"within its exp", nil, t0.Add(time.Hour), ""},
		{"past its exp and the leeway", nil, t0.Add(time.Hour + leeway), ReasonExpired},
		{"the clock set back before its iat and the leeway", nil, t0.Add(-leeway - time.Second), ReasonNotYetValid},
		{"the clock set back before its nbf and the leeway",
			jwt.MapClaims{"iat": t0.Add(-time.Hour).Unix(), "nbf": t0.Unix()}, t0.Add(-leeway - time.Second), ReasonNotYetValid},
		{"no iat: its lifetime counted from the clock set back",
			jwt.MapClaims{"iat": nil, "exp": t0.Add(testMaxLifetime + leeway).Unix()}, t0.Add(-time.Second), ReasonLifetime},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := t0
			v := testVerifier(t, &clock)
			header := "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(tt.claims))
			if _, err := v.Verify(header); err != nil {
				t.Fatalf("first call: %v", err)
			}
			clock = tt.later
			_, err := v.Verify(header)
			if got := ReasonOf(err); got != tt.want {
				t.Fatalf("reason = %q (err %v), want %q", got, err, tt.want)
			}
			if hits, misses, _ := v.KeptTokens(); hits != 1 || misses != 1 {
				t.Fatalf("hits %d, misses %d: the second call did not find the token kept", hits, misses)
			}
		})
	}
}

func TestOnlyAcceptedTokensAreKept(t *testing.T) {
	clock := t0
	v := testVerifier(t, &clock)
	refused := []string{
		"Bearer " + sign(t, jwt.SigningMethodHS256, otherSecret, validClaims(nil)),
		"Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"scope": "read"})),
		"Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"exp": t0.Add(-time.Hour).Unix()})),
		"Bearer " + signJSON(t, `{"alg":"HS256","typ":"JWT","crit":["exp"]}`, validPayload(t)),
	}
	for _, header := range append(refused, refused...) {
		if _, err := v.Verify(header); err == nil {
			t.Fatal("a bad token was accepted")
		}
	}
	if hits, misses, kept := v.KeptTokens(); hits != 0 || misses != uint64(2*len(refused)) || kept != 0 {
		t.Fatalf("after refusals: hits %d, misses %d, kept %d; want 0, %d, 0", hits, misses, kept, 2*len(refused))
	}
	good := "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(nil))
	for range 3 {
		if _, err := v.Verify(good); err != nil {
			t.Fatal(err)
		}
	}
	if hits, _, kept := v.KeptTokens(); hits != 2 || kept != 1 {
		t.Fatalf("after a good token thrice: hits %d, kept %d; want 2, 1", hits, kept)
	}
}

func TestTheKeptTokensAreBoundedAndTheLeastRecentlyUsedGoesFirst(t *testing.T) {
	clock := t0
	v := testVerifier(t, &clock)
	headers := make([]string, keptTokens+10)
	for i := range headers {
		headers[i] = "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"jti": fmt.Sprint(i)}))
		if _, err := v.Verify(headers[i]); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, kept := v.KeptTokens(); kept != keptTokens {
		t.Fatalf("kept %d tokens, want the bound %d", kept, keptTokens)
	}
	for _, tt := range []struct {
		header  string
		wasKept bool
	}{{headers[len(headers)-1], true}, {headers[0], false}} {
		before, _, _ := v.KeptTokens()
		if _, err := v.Verify(tt.header); err != nil {
			t.Fatal(err)
		}
		if after, _, _ := v.KeptTokens(); (after > before) != tt.wasKept {
			t.Fatalf("found kept: %v, want %v", after > before, tt.wasKept)
		}
	}
}
