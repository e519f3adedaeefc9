package bootstrap

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/microbase-io/customer-service/adapters/metrics"
)

// The development token logged at start is one the service accepts: it
// lives exactly as long as CUSTOMER_TOKEN_MAX_TTL allows, not longer.
func TestDevelopmentTokenLivesNoLongerThanTheMaximum(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		want time.Duration
	}{
		{"default maximum", nil, 24 * time.Hour},
		{"shorter maximum", []string{"CUSTOMER_TOKEN_MAX_TTL=2h"}, 2 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := LoadConfig(append([]string{"CUSTOMER_DATA_DIR=" + t.TempDir()}, tt.env...))
			if err != nil {
				t.Fatal(err)
			}
			core, logs := observer.New(zapcore.InfoLevel)
			verifier, err := newVerifier(cfg, metrics.New(), zap.New(core))
			if err != nil {
				t.Fatal(err)
			}
			lines := logs.FilterFieldKey("authorization").All()
			if len(lines) != 1 {
				t.Fatalf("%d lines carry a token, want the one development token line", len(lines))
			}
			fields := lines[0].ContextMap()
			header, _ := fields["authorization"].(string)
			raw, ok := strings.CutPrefix(header, "Bearer ")
			if !ok {
				t.Fatalf("authorization = %q, want a Bearer token", header)
			}

			var claims jwt.RegisteredClaims
			if _, _, err := jwt.NewParser().ParseUnverified(raw, &claims); err != nil {
				t.Fatal(err)
			}
			if claims.IssuedAt == nil || claims.ExpiresAt == nil {
				t.Fatalf("claims %+v, want iat and exp", claims)
			}
			if got := claims.ExpiresAt.Sub(claims.IssuedAt.Time); got != tt.want {
				t.Fatalf("the development token lives %v, want %v", got, tt.want)
			}
			if expires, _ := fields["expires"].(time.Time); !expires.Truncate(time.Second).Equal(claims.ExpiresAt.Time) {
				t.Errorf("the log says it expires %v, the token %v", expires, claims.ExpiresAt.Time)
			}
			if _, err := verifier.Verify(header); err != nil {
				t.Fatalf("the service refuses its own development token: %v", err)
			}
		})
	}
}
