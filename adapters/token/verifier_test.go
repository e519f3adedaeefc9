package token

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var (
	secretA = []byte("first-secret-0123456789abcdefghij")
	secretB = []byte("second-secret-0123456789abcdefghi")
	// otherSecret is as good a secret as ours, of another deployment.
	otherSecret = []byte("a-secret-of-another-deployment-0123")
	t0          = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
)

// testMaxLifetime is the default of CUSTOMER_TOKEN_MAX_TTL.
const testMaxLifetime = 24 * time.Hour

// testVerifier returns a Verifier whose clock reads *clock.
func testVerifier(t testing.TB, clock *time.Time, secrets ...[]byte) *Verifier {
	t.Helper()
	if len(secrets) == 0 {
		secrets = [][]byte{secretA}
	}
	v, err := NewVerifier(secrets, "api", testMaxLifetime)
	if err != nil {
		t.Fatal(err)
	}
	v.now = func() time.Time { return *clock }
	return v
}

func sign(t testing.TB, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// validClaims are accepted at t0; each case overrides what it tests.
func validClaims(overrides jwt.MapClaims) jwt.MapClaims {
	c := jwt.MapClaims{
		"iss":   "microbase",
		"sub":   "service-a",
		"scope": "api",
		"jti":   "jti-1",
		"iat":   t0.Unix(),
		"exp":   t0.Add(time.Hour).Unix(),
	}
	for k, v := range overrides {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// validPayload is validClaims(nil) as JSON.
func validPayload(t testing.TB) string {
	t.Helper()
	b, err := json.Marshal(validClaims(nil))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// withHeader swaps the header segment of a signed token, keeping its payload
// and signature.
func withHeader(tok, header string) string {
	parts := strings.Split(tok, ".")
	parts[0] = base64.RawURLEncoding.EncodeToString([]byte(header))
	return strings.Join(parts, ".")
}

func withPayload(tok, payload string) string {
	parts := strings.Split(tok, ".")
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(payload))
	return strings.Join(parts, ".")
}

// signJSON signs header and payload as written, with secretA: for what
// jwt.MapClaims cannot express, such as a claim that is JSON null.
func signJSON(t testing.TB, header, payload string) string {
	t.Helper()
	signing := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + base64.RawURLEncoding.EncodeToString([]byte(payload))
	sig, err := jwt.SigningMethodHS256.Sign(signing, secretA)
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestVerifyRefusesBadTokensWithAReason(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	good := sign(t, jwt.SigningMethodHS256, secretA, validClaims(nil))
	unsigned := sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, validClaims(nil))

	tests := []struct {
		name   string
		header string
		want   Reason
	}{
		{"no header", "", ReasonMissing},
		{"blank header", "   ", ReasonMissing},
		{"Bearer with nothing", "Bearer", ReasonMissing},
		{"Bearer with only spaces", "Bearer   ", ReasonMissing},
		{"Basic scheme", "Basic dXNlcjpwYXNz", ReasonMalformed},
		{"token without scheme", good, ReasonMalformed},
		{"scheme glued to token", "Bearer" + good, ReasonMalformed},
		{"garbage", "Bearer not-a-jwt", ReasonMalformed},
		{"three garbage segments", "Bearer a.b.c", ReasonMalformed},
		{"payload not JSON", "Bearer " + withPayload(good, "{nope"), ReasonMalformed},
		{"scope neither string nor list", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"scope": 42})), ReasonMalformed},
		{"exp not a number", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"exp": "soon"})), ReasonMalformed},
		{"exp a quoted number", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"exp": fmt.Sprint(t0.Add(time.Hour).Unix())})), ReasonMalformed},
		{"iat a quoted number", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"iat": fmt.Sprint(t0.Unix())})), ReasonMalformed},
		{"nbf a quoted number", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"nbf": fmt.Sprint(t0.Unix())})), ReasonMalformed},
		{"exp a quoted number without iat", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"iat": nil, "exp": "1700000000"})), ReasonMalformed},
		{"nbf beyond the year 9999", "Bearer " + signJSON(t, `{"alg":"HS256","typ":"JWT"}`, fmt.Sprintf(`{"sub":"service-a","scope":"api","iat":%d,"exp":%d,"nbf":1e300}`, t0.Unix(), t0.Add(time.Hour).Unix())), ReasonMalformed},
		{"exp beyond the year 9999", "Bearer " + signJSON(t, `{"alg":"HS256","typ":"JWT"}`, `{"sub":"service-a","scope":"api","exp":253402300800}`), ReasonMalformed},
		{"iat far before the epoch", "Bearer " + signJSON(t, `{"alg":"HS256","typ":"JWT"}`, fmt.Sprintf(`{"sub":"service-a","scope":"api","iat":-1e300,"exp":%d}`, t0.Add(time.Hour).Unix())), ReasonMalformed},
		{"exp a boolean", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"exp": true})), ReasonMalformed},
		{"exp a list", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"exp": []int64{t0.Add(time.Hour).Unix()}})), ReasonMalformed},
		{"oversized token", "Bearer " + strings.Repeat("a", maxTokenLength+1), ReasonMalformed},
		{"alg none, unsigned", "Bearer " + unsigned, ReasonBadSignature},
		{"HS256 with the wrong secret", "Bearer " + sign(t, jwt.SigningMethodHS256, otherSecret, validClaims(nil)), ReasonBadSignature},
		{"HS512 with the right secret", "Bearer " + sign(t, jwt.SigningMethodHS512, secretA, validClaims(nil)), ReasonBadSignature},
		{"RS256", "Bearer " + sign(t, jwt.SigningMethodRS256, rsaKey, validClaims(nil)), ReasonBadSignature},
		{"ES256", "Bearer " + sign(t, jwt.SigningMethodES256, ecKey, validClaims(nil)), ReasonBadSignature},
		{"alg changed to HS384 after signing", "Bearer " + withHeader(good, `{"alg":"HS384","typ":"JWT"}`), ReasonBadSignature},
		{"alg changed to HS512 after signing", "Bearer " + withHeader(good, `{"alg":"HS512","typ":"JWT"}`), ReasonBadSignature},
		{"alg changed to RS256 after signing", "Bearer " + withHeader(good, `{"alg":"RS256","typ":"JWT"}`), ReasonBadSignature},
		{"alg changed to none after signing", "Bearer " + withHeader(good, `{"alg":"none","typ":"JWT"}`), ReasonBadSignature},
		{"unknown alg", "Bearer " + withHeader(good, `{"alg":"XX999","typ":"JWT"}`), ReasonBadSignature},
		{"no alg", "Bearer " + withHeader(good, `{"typ":"JWT"}`), ReasonBadSignature},
		{"header changed after signing, alg kept", "Bearer " + withHeader(good, `{"alg":"HS256","typ":"JWT","kid":"x"}`), ReasonBadSignature},
		{"payload changed after signing", "Bearer " + withPayload(good, `{"sub":"admin","scope":"api"}`), ReasonBadSignature},
		{"signature dropped", "Bearer " + good[:strings.LastIndexByte(good, '.')+1], ReasonBadSignature},
		{"expired beyond the leeway", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"exp": t0.Add(-leeway - time.Second).Unix()})), ReasonExpired},
		{"expired at exactly the leeway", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"exp": t0.Add(-leeway).Unix()})), ReasonExpired},
		{"nbf beyond the leeway", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"nbf": t0.Add(leeway + time.Second).Unix()})), ReasonNotYetValid},
		{"iat beyond the leeway in the future", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"iat": t0.Add(leeway + time.Second).Unix(), "exp": t0.Add(2 * time.Hour).Unix()})), ReasonNotYetValid},
		{"iat an hour in the future", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"iat": t0.Add(time.Hour).Unix(), "exp": t0.Add(2 * time.Hour).Unix()})), ReasonNotYetValid},
		{"no exp", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"exp": nil})), ReasonLifetime},
		{"exp null", "Bearer " + signJSON(t, `{"alg":"HS256","typ":"JWT"}`, fmt.Sprintf(`{"sub":"service-a","scope":"api","iat":%d,"exp":null}`, t0.Unix())), ReasonLifetime},
		{"no exp and no iat", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"exp": nil, "iat": nil})), ReasonLifetime},
		{"lifetime a second over the maximum", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"exp": t0.Add(testMaxLifetime + time.Second).Unix()})), ReasonLifetime},
		{"exp a century away", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"exp": t0.AddDate(100, 0, 0).Unix()})), ReasonLifetime},
		{"lifetime over the maximum counted from an iat long past", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"iat": t0.Add(-testMaxLifetime).Unix(), "exp": t0.Add(time.Hour).Unix()})), ReasonLifetime},
		{"no iat, exp beyond the maximum and the leeway from now", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"iat": nil, "exp": t0.Add(testMaxLifetime + leeway + time.Second).Unix()})), ReasonLifetime},
		{"crit naming an extension", "Bearer " + signJSON(t, `{"alg":"HS256","typ":"JWT","crit":["https://example.com/ext"],"https://example.com/ext":true}`, validPayload(t)), ReasonCrit},
		{"crit naming a registered claim", "Bearer " + signJSON(t, `{"alg":"HS256","typ":"JWT","crit":["exp"]}`, validPayload(t)), ReasonCrit},
		{"crit empty", "Bearer " + signJSON(t, `{"alg":"HS256","typ":"JWT","crit":[]}`, validPayload(t)), ReasonCrit},
		{"crit null", "Bearer " + signJSON(t, `{"alg":"HS256","typ":"JWT","crit":null}`, validPayload(t)), ReasonCrit},
		{"no scope claim", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"scope": nil})), ReasonScope},
		{"empty scope", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"scope": ""})), ReasonScope},
		{"scope apix", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"scope": "apix"})), ReasonScope},
		{"scope xapi", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"scope": "read xapi"})), ReasonScope},
		{"scope in another letter case", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"scope": "API"})), ReasonScope},
		{"scope list without api", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"scope": []string{"read", "apix"}})), ReasonScope},
		{"scope list item holding two words", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"scope": []string{"read api"}})), ReasonScope},
		{"scope words apart by a tab", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"scope": "read\tapi"})), ReasonScope},
		{"scope words apart by a no-break space", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"scope": "read\u00a0api"})), ReasonScope},
		{"scope words apart by a line feed", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"scope": "read\napi"})), ReasonScope},
		{"scope words apart by an ideographic space", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"scope": "read\u3000api"})), ReasonScope},
		{"scope api followed by a tab", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"scope": "api\t"})), ReasonScope},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := t0
			claims, err := testVerifier(t, &clock).Verify(tt.header)
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("err = %v, want ErrInvalidToken", err)
			}
			if got := ReasonOf(err); got != tt.want {
				t.Fatalf("reason = %q, want %q", got, tt.want)
			}
			if want := "invalid token: " + string(tt.want); err.Error() != want {
				t.Fatalf("message = %q, want %q (no token content)", err.Error(), want)
			}
			if claims.Subject != "" || claims.ID != "" || claims.Scopes() != nil {
				t.Fatalf("claims = %+v, want none", claims)
			}
		})
	}
}

func TestVerifyAcceptsGoodTokens(t *testing.T) {
	tests := []struct {
		name       string
		header     string
		wantScopes []string
	}{
		{"scope string with api among others", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"scope": "read api"})), []string{"read", "api"}},
		{"scope list holding api", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"scope": []string{"api"}})), []string{"api"}},
		{"scope string with repeated and surrounding spaces", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"scope": "  read   api "})), []string{"read", "api"}},
		{"scope string holding a tab beside api", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"scope": "read\twrite api"})), []string{"read\twrite", "api"}},
		{"exp and iat with a fraction of a second", "Bearer " + signJSON(t, `{"alg":"HS256","typ":"JWT"}`,
			fmt.Sprintf(`{"iss":"microbase","sub":"service-a","jti":"jti-1","scope":"api","iat":%d.25,"exp":%d.5}`, t0.Unix(), t0.Add(time.Hour).Unix())), []string{"api"}},
		{"scheme in lower case", "bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(nil)), []string{"api"}},
		{"scheme in upper case, extra spaces", "  BEARER   " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(nil)) + " ", []string{"api"}},
		{"signed with the second, rotated-in secret", "Bearer " + sign(t, jwt.SigningMethodHS256, secretB, validClaims(nil)), []string{"api"}},
		{"expired but within the leeway", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"exp": t0.Add(-leeway + time.Second).Unix()})), []string{"api"}},
		{"nbf ahead but within the leeway", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"nbf": t0.Add(leeway).Unix()})), []string{"api"}},
		{"nbf past", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"nbf": t0.Add(-time.Minute).Unix()})), []string{"api"}},
		{"iat ahead but within the leeway", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"iat": t0.Add(leeway).Unix()})), []string{"api"}},
		{"lifetime exactly the maximum", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"exp": t0.Add(testMaxLifetime).Unix()})), []string{"api"}},
		{"issued a day ago, expiring within the maximum", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"iat": t0.Add(-testMaxLifetime + time.Hour).Unix()})), []string{"api"}},
		{"no iat, exp the maximum and the leeway from now", "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"iat": nil, "exp": t0.Add(testMaxLifetime + leeway).Unix()})), []string{"api"}},
		{"header without crit, with other members", "Bearer " + signJSON(t, `{"alg":"HS256","typ":"JWT","kid":"k1"}`, validPayload(t)), []string{"api"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := t0
			claims, err := testVerifier(t, &clock, secretA, secretB).Verify(tt.header)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if claims.Subject != "service-a" || claims.Issuer != "microbase" || claims.ID != "jti-1" {
				t.Fatalf("claims = %+v", claims)
			}
			if !slices.Equal(claims.Scopes(), tt.wantScopes) || !claims.HasScope("api") {
				t.Fatalf("scopes = %q, want %q", claims.Scopes(), tt.wantScopes)
			}
		})
	}
}

func TestVerifyReportsExpiry(t *testing.T) {
	clock := t0
	v := testVerifier(t, &clock)
	claims, err := v.Verify("Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(nil)))
	if err != nil {
		t.Fatal(err)
	}
	if !claims.ExpiresAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("ExpiresAt = %v, want %v", claims.ExpiresAt, t0.Add(time.Hour))
	}
}

func TestScopesCannotBeChangedThroughClaims(t *testing.T) {
	clock := t0
	v := testVerifier(t, &clock)
	header := "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(nil))
	first, err := v.Verify(header)
	if err != nil {
		t.Fatal(err)
	}
	first.Scopes()[0] = "admin"
	again, err := v.Verify(header)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(again.Scopes(), []string{"api"}) {
		t.Fatalf("scopes = %q after a caller changed its copy", again.Scopes())
	}
}

func TestIssuedTokensVerifyAcrossRotation(t *testing.T) {
	clock := t0
	v := testVerifier(t, &clock, secretA, secretB)
	tests := []struct {
		name   string
		secret []byte
		want   Reason
	}{
		{"first secret, the one that signs", secretA, ""},
		{"second secret, still verifying", secretB, ""},
		{"retired secret", otherSecret, ReasonBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss, err := NewIssuer(tt.secret, "microbase")
			if err != nil {
				t.Fatal(err)
			}
			tok, err := iss.Issue("service-a", []string{"read", "api"}, time.Minute, t0)
			if err != nil {
				t.Fatal(err)
			}
			claims, err := v.Verify("Bearer " + tok)
			if got := ReasonOf(err); got != tt.want {
				t.Fatalf("reason = %q (err %v), want %q", got, err, tt.want)
			}
			if tt.want == "" && (claims.Subject != "service-a" || !claims.HasScope("read") || claims.ID == "") {
				t.Fatalf("claims = %+v", claims)
			}
		})
	}
}

func TestVerifyIsSafeForConcurrentUse(t *testing.T) {
	clock := t0
	v := testVerifier(t, &clock)
	var headers []string
	for i := range 8 {
		headers = append(headers, "Bearer "+sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"jti": fmt.Sprint(i)})))
	}
	bad := "Bearer " + sign(t, jwt.SigningMethodHS256, secretA, validClaims(jwt.MapClaims{"scope": "apix"}))
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				h := headers[(g+i)%len(headers)]
				if _, err := v.Verify(h); err != nil {
					errs <- err
					return
				}
				if _, err := v.Verify(bad); ReasonOf(err) != ReasonScope {
					errs <- fmt.Errorf("bad token: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestNewVerifierRefusesUnusableConfig(t *testing.T) {
	tests := []struct {
		name        string
		secrets     [][]byte
		scope       string
		maxLifetime time.Duration
	}{
		{"no secret", nil, "api", testMaxLifetime},
		{"an empty secret", [][]byte{secretA, {}}, "api", testMaxLifetime},
		{"a secret one byte short", [][]byte{secretA, secretA[:MinSecretBytes-1]}, "api", testMaxLifetime},
		{"a blank secret", [][]byte{[]byte(strings.Repeat(" ", MinSecretBytes))}, "api", testMaxLifetime},
		{"empty scope", [][]byte{secretA}, "", testMaxLifetime},
		{"scope of two words", [][]byte{secretA}, "read api", testMaxLifetime},
		{"no maximum lifetime", [][]byte{secretA}, "api", 0},
		{"negative maximum lifetime", [][]byte{secretA}, "api", -time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if v, err := NewVerifier(tt.secrets, tt.scope, tt.maxLifetime); err == nil {
				t.Fatalf("NewVerifier = %v, want an error", v)
			}
		})
	}
}

func TestVerifierKeepsItsOwnCopyOfTheSecrets(t *testing.T) {
	secret := []byte("mutable-secret-0123456789abcdefghij")
	v, err := NewVerifier([][]byte{secret}, "api", testMaxLifetime)
	if err != nil {
		t.Fatal(err)
	}
	iss, err := NewIssuer(secret, "")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := iss.Issue("s", []string{"api"}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	copy(secret, "XXXXXX")
	if _, err := v.Verify("Bearer " + tok); err != nil {
		t.Fatalf("Verify after the caller reused its buffer: %v", err)
	}
}

func TestReasonOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Reason
	}{
		{"nil", nil, ""},
		{"unrelated error", errors.New("boom"), ""},
		{"bare sentinel", ErrInvalidToken, ""},
		{"Verify error", errExpired, ReasonExpired},
		{"wrapped Verify error", fmt.Errorf("auth: %w", errScope), ReasonScope},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ReasonOf(tt.err); got != tt.want {
				t.Fatalf("ReasonOf = %q, want %q", got, tt.want)
			}
		})
	}
}
