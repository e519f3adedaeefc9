package token

import (
	"fmt"
	"strings"
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
			hits, misses, kept := v.KeptTokens()
			if hits != 1 || misses != 1 {
				t.Fatalf("hits %d, misses %d: the second call did not find the token kept", hits, misses)
			}
			if wantKept := map[bool]int{true: 1, false: 0}[tt.want == ""]; kept != wantKept {
				t.Fatalf("%d tokens kept after the second call, want %d: a token the clock refuses gives up its slot", kept, wantKept)
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

func TestAKeptTokenWithAnotherSignatureIsCheckedAfresh(t *testing.T) {
	clock := t0
	v := testVerifier(t, &clock)
	good := sign(t, jwt.SigningMethodHS256, secretA, validClaims(nil))
	if _, err := v.Verify("Bearer " + good); err != nil {
		t.Fatal(err)
	}
	headerAndPayload := good[:strings.LastIndex(good, ".")]
	other := sign(t, jwt.SigningMethodHS256, otherSecret, validClaims(nil))
	for name, forged := range map[string]string{
		"signed with another secret": headerAndPayload + other[strings.LastIndex(other, "."):],
		"its signature changed":      headerAndPayload + ".AAAA" + good[strings.LastIndex(good, ".")+5:],
	} {
		_, err := v.Verify("Bearer " + forged)
		if ReasonOf(err) != ReasonBadSignature {
			t.Errorf("%s: reason %q (err %v), want %q", name, ReasonOf(err), err, ReasonBadSignature)
		}
	}
	if hits, _, _ := v.KeptTokens(); hits != 0 {
		t.Fatalf("%d calls found a token kept: the signature is part of what is kept", hits)
	}
}

func TestATokenLongerThanTheKeptLengthIsCheckedAfreshEachTime(t *testing.T) {
	clock := t0
	v := testVerifier(t, &clock)
	header := "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"jti": strings.Repeat("j", maxKeptTokenLength)}))
	for range 2 {
		if _, err := v.Verify(header); err != nil {
			t.Fatal(err)
		}
	}
	if hits, misses, kept := v.KeptTokens(); hits != 0 || misses != 2 || kept != 0 {
		t.Fatalf("hits %d, misses %d, kept %d; want 0, 2, 0", hits, misses, kept)
	}
}

func TestTheKeptTokensAreBoundedAndTheLeastRecentlyUsedGoesFirst(t *testing.T) {
	clock := t0
	v := testVerifier(t, &clock)
	verify := func(header string) (found bool) {
		t.Helper()
		before, _, _ := v.KeptTokens()
		if _, err := v.Verify(header); err != nil {
			t.Fatal(err)
		}
		after, _, _ := v.KeptTokens()
		return after > before
	}
	headers := make([]string, keptTokens+2)
	for i := range headers {
		headers[i] = "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"jti": fmt.Sprint(i)}))
	}
	for _, h := range headers[:keptTokens] {
		verify(h)
	}
	// The first, used again, is the most recently used: the next new
	// token takes the second's slot.
	if !verify(headers[0]) {
		t.Fatal("a token of the full cache was not found kept")
	}
	verify(headers[keptTokens])
	if _, _, kept := v.KeptTokens(); kept != keptTokens {
		t.Fatalf("kept %d tokens, want the bound %d", kept, keptTokens)
	}
	if !verify(headers[0]) || verify(headers[1]) {
		t.Fatal("the least recently used token did not go first")
	}
}
