package httpapi_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/microbase-io/customer-service/adapters/httpapi"
)

func signToken(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// withHeader replaces the header of a signed token and keeps its payload
// and signature, as an attacker editing "alg" would.
func withHeader(token, header string) string {
	parts := strings.Split(token, ".")
	return base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + parts[1] + "." + parts[2]
}

// claimsNow are valid claims at the time of the call; a case overrides
// what it tests (nil deletes a claim).
func claimsNow(overrides jwt.MapClaims) jwt.MapClaims {
	now := time.Now()
	c := jwt.MapClaims{
		"iss": "microbase", "sub": "service-a", "scope": testScope, "jti": "jti-1",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
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

// Every protected method answers exactly 401 {"ok":false,"error":
// "invalid_token"} to any token that is not a valid HS256 token of the
// deployment's secret with the "api" scope, writes nothing, and logs why.
func TestInvalidToken_EveryFailureIs401(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	hour := time.Hour
	tests := []struct {
		name   string
		header func(t *testing.T, a *api) string // the Authorization header; "" sends none
		query  func(a *api) string
		reason string // the access log's auth_failure
	}{
		{"no header", nil, nil, "missing"},
		{"Bearer without a token", func(*testing.T, *api) string { return "Bearer " }, nil, "missing"},
		{"another scheme", func(*testing.T, *api) string { return "Basic dXNlcjpwYXNz" }, nil, "malformed"},
		{"token without the Bearer scheme", func(_ *testing.T, a *api) string { return a.token }, nil, "malformed"},
		{"not a JWT", func(*testing.T, *api) string { return "Bearer not-a-jwt" }, nil, "malformed"},
		{"three parts of garbage", func(*testing.T, *api) string { return "Bearer a.b.c" }, nil, "malformed"},
		{"wrong secret", func(t *testing.T, _ *api) string {
			return "Bearer " + issueToken(t, []byte("another-deployments-secret-0123456"), []string{testScope}, time.Now(), hour)
		}, nil, "bad_signature"},
		{"payload changed after signing", func(t *testing.T, a *api) string {
			parts := strings.Split(a.token, ".")
			other := strings.Split(signToken(t, jwt.SigningMethodHS256, testSecret, claimsNow(jwt.MapClaims{"sub": "admin"})), ".")
			return "Bearer " + parts[0] + "." + other[1] + "." + parts[2]
		}, nil, "bad_signature"},
		{"alg none", func(t *testing.T, _ *api) string {
			return "Bearer " + signToken(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claimsNow(nil))
		}, nil, "bad_signature"},
		{"RS256", func(t *testing.T, _ *api) string {
			return "Bearer " + signToken(t, jwt.SigningMethodRS256, rsaKey, claimsNow(nil))
		}, nil, "bad_signature"},
		{"ES256", func(t *testing.T, _ *api) string {
			return "Bearer " + signToken(t, jwt.SigningMethodES256, ecKey, claimsNow(nil))
		}, nil, "bad_signature"},
		{"alg changed to none after signing", func(_ *testing.T, a *api) string {
			return "Bearer " + withHeader(a.token, `{"alg":"none","typ":"JWT"}`)
		}, nil, "bad_signature"},
		{"alg changed to HS512 after signing", func(_ *testing.T, a *api) string {
			return "Bearer " + withHeader(a.token, `{"alg":"HS512","typ":"JWT"}`)
		}, nil, "bad_signature"},
		{"alg changed to RS256 after signing", func(_ *testing.T, a *api) string {
			return "Bearer " + withHeader(a.token, `{"alg":"RS256","typ":"JWT"}`)
		}, nil, "bad_signature"},
		{"HS512 with the right secret", func(t *testing.T, _ *api) string {
			return "Bearer " + signToken(t, jwt.SigningMethodHS512, testSecret, claimsNow(nil))
		}, nil, "bad_signature"},
		{"expired", func(t *testing.T, _ *api) string {
			return "Bearer " + issueToken(t, testSecret, []string{testScope}, time.Now().Add(-2*hour), hour)
		}, nil, "expired"},
		{"not yet valid", func(t *testing.T, _ *api) string {
			return "Bearer " + signToken(t, jwt.SigningMethodHS256, testSecret,
				claimsNow(jwt.MapClaims{"nbf": time.Now().Add(hour).Unix(), "exp": time.Now().Add(2 * hour).Unix()}))
		}, nil, "not_yet_valid"},
		{"iat an hour ahead", func(t *testing.T, _ *api) string {
			return "Bearer " + signToken(t, jwt.SigningMethodHS256, testSecret,
				claimsNow(jwt.MapClaims{"iat": time.Now().Add(hour).Unix(), "exp": time.Now().Add(2 * hour).Unix()}))
		}, nil, "not_yet_valid"},
		{"no exp", func(t *testing.T, _ *api) string {
			return "Bearer " + signToken(t, jwt.SigningMethodHS256, testSecret, claimsNow(jwt.MapClaims{"exp": nil}))
		}, nil, "lifetime"},
		{"exp a century away", func(t *testing.T, _ *api) string {
			return "Bearer " + signToken(t, jwt.SigningMethodHS256, testSecret, claimsNow(jwt.MapClaims{"exp": time.Now().AddDate(100, 0, 0).Unix()}))
		}, nil, "lifetime"},
		{"crit header", func(t *testing.T, _ *api) string {
			tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claimsNow(nil))
			tok.Header["crit"] = []string{"https://example.com/ext"}
			s, err := tok.SignedString(testSecret)
			if err != nil {
				t.Fatal(err)
			}
			return "Bearer " + s
		}, nil, "crit"},
		{"no scope", func(t *testing.T, _ *api) string {
			return "Bearer " + signToken(t, jwt.SigningMethodHS256, testSecret, claimsNow(jwt.MapClaims{"scope": nil}))
		}, nil, "scope"},
		{"scope apix", func(t *testing.T, _ *api) string {
			return "Bearer " + issueToken(t, testSecret, []string{"apix"}, time.Now(), hour)
		}, nil, "scope"},
		{"another scope only", func(t *testing.T, _ *api) string {
			return "Bearer " + issueToken(t, testSecret, []string{"read", "admin"}, time.Now(), hour)
		}, nil, "scope"},
		// The contract says header: a token in the URL would end up in
		// proxies' logs, so it is not looked for there.
		{"token in ?token=", nil, func(a *api) string { return "token=" + a.token }, "missing"},
		{"token in ?access_token=", nil, func(a *api) string { return "access_token=" + a.token }, "missing"},
		{"token in ?authorization=Bearer", nil, func(a *api) string { return "authorization=Bearer%20" + a.token }, "missing"},
	}
	methods := []struct{ method, body string }{
		{"customer.create", `{` + newCustomerArgs + `}`},
		{"customer.info", `{"id":"{john}"}`},
		{"customer.update", `{"id":"{john}","lastName":"Smith"}`},
	}
	for _, tt := range tests {
		for _, m := range methods {
			t.Run(tt.name+"/"+m.method, func(t *testing.T) {
				a := newAPI(t)
				john := a.addCustomer(t, "john.doe@gmail.com", johnPassword)
				target := m.method
				if tt.query != nil {
					target += "?" + tt.query(a)
				}
				r := a.request(http.MethodPost, target, "application/json", fill(m.body, map[string]string{"john": john}))
				r.Header.Del("Authorization")
				if tt.header != nil {
					r.Header.Set("Authorization", tt.header(t, a))
				}
				got := a.serve(t, r)
				if got.status != http.StatusUnauthorized || got.raw != `{"ok":false,"error":"invalid_token"}` {
					t.Fatalf("status %d body %s, want 401 {\"ok\":false,\"error\":\"invalid_token\"}", got.status, got.raw)
				}
				if s := a.stored(t, john); s.Version != 0 || s.LastName != "Doe" {
					t.Errorf("a refused call wrote the customer: %+v", s)
				}
				lines := a.accessLogs()
				if len(lines) != 1 || lines[0].ContextMap()["auth_failure"] != tt.reason {
					t.Errorf("access log = %v, want auth_failure %q", lines, tt.reason)
				}
				assertAccessLog(t, a, accessLine{
					requestID: got.header.Get(httpapi.RequestIDHeader), httpMethod: "POST", method: m.method,
					status: http.StatusUnauthorized, errorCode: "invalid_token",
				})
			})
		}
	}
}

// The tokens MicroBase issuers hand out are accepted however they spell
// the scheme and the scope.
func TestInvalidToken_ValidTokensAreAccepted(t *testing.T) {
	tests := []struct {
		name   string
		header func(t *testing.T, a *api) string
	}{
		{"Bearer", func(_ *testing.T, a *api) string { return "Bearer " + a.token }},
		{"bearer in lower case", func(_ *testing.T, a *api) string { return "bearer " + a.token }},
		{"scope among others", func(t *testing.T, _ *api) string {
			return "Bearer " + issueToken(t, testSecret, []string{"read", testScope}, time.Now(), time.Hour)
		}},
		{"scope as a JSON list", func(t *testing.T, _ *api) string {
			return "Bearer " + signToken(t, jwt.SigningMethodHS256, testSecret, claimsNow(jwt.MapClaims{"scope": []string{"read", testScope}}))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t)
			john := a.addCustomer(t, "john.doe@gmail.com", johnPassword)
			r := a.request(http.MethodGet, "customer.info?id="+john, "", "")
			r.Header.Set("Authorization", tt.header(t, a))
			got := a.serve(t, r)
			if c := customerOf(t, got); c["id"] != john {
				t.Fatalf("customer = %v, want %s", c, john)
			}
		})
	}
}

// micro.ping is public: gateways and orchestrators call it with no token,
// and a bad token does not make it fail.
func TestMicroPing_AnswersPongWithoutAToken(t *testing.T) {
	tests := []struct {
		name       string
		httpMethod string
		header     string
	}{
		{"GET without a token", http.MethodGet, ""},
		{"POST without a token", http.MethodPost, ""},
		{"GET with a bad token", http.MethodGet, "Bearer not-a-jwt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t)
			r := a.request(tt.httpMethod, "micro.ping", "", "")
			r.Header.Del("Authorization")
			if tt.header != "" {
				r.Header.Set("Authorization", tt.header)
			}
			got := a.serve(t, r)
			if got.status != http.StatusOK || got.raw != `{"ok":true,"answer":"pong"}` {
				t.Fatalf("status %d body %s, want 200 {\"ok\":true,\"answer\":\"pong\"}", got.status, got.raw)
			}
			assertAccessLog(t, a, accessLine{
				requestID: got.header.Get(httpapi.RequestIDHeader), httpMethod: tt.httpMethod, method: "micro.ping", status: 200,
			})
		})
	}
}
