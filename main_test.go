package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/microbase-io/customer-service/adapters/token"
)

const tokenCommandSecret = "token-command-secret-0123456789abcdef"

// `customer-service token` issues only tokens the service accepts: a -ttl
// over CUSTOMER_TOKEN_MAX_TTL is a usage error naming the setting, and
// prints no token.
func TestTokenCommandFollowsTheMaximumLifetime(t *testing.T) {
	tests := []struct {
		name     string
		maxTTL   string // CUSTOMER_TOKEN_MAX_TTL; "" leaves the default
		args     []string
		wantCode int
		wantTTL  time.Duration // of the printed token
	}{
		{"default -ttl", "", nil, 0, time.Hour},
		{"-ttl at the default maximum", "", []string{"-ttl", "24h"}, 0, 24 * time.Hour},
		{"-ttl over the default maximum", "", []string{"-ttl", "24h1s"}, 2, 0},
		{"-ttl of a year", "", []string{"-ttl", "8760h"}, 2, 0},
		{"default -ttl under a shorter maximum", "30m", nil, 0, 30 * time.Minute},
		{"-ttl over a shorter maximum", "30m", []string{"-ttl", "1h"}, 2, 0},
		{"-ttl under a longer maximum", "72h", []string{"-ttl", "48h"}, 0, 48 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CUSTOMER_TOKEN_SECRET", tokenCommandSecret)
			t.Setenv("CUSTOMER_DATA_DIR", t.TempDir())
			// t.Setenv first, so that the variable is restored afterwards.
			t.Setenv("CUSTOMER_TOKEN_MAX_TTL", tt.maxTTL)
			maxTTL := 24 * time.Hour
			if tt.maxTTL == "" {
				os.Unsetenv("CUSTOMER_TOKEN_MAX_TTL")
			} else {
				var err error
				if maxTTL, err = time.ParseDuration(tt.maxTTL); err != nil {
					t.Fatal(err)
				}
			}

			var stdout, stderr bytes.Buffer
			code := run(append([]string{"token"}, tt.args...), &stdout, &stderr)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tt.wantCode, stderr.String())
			}
			if tt.wantCode != 0 {
				if !strings.Contains(stderr.String(), "CUSTOMER_TOKEN_MAX_TTL") {
					t.Errorf("stderr %q does not name CUSTOMER_TOKEN_MAX_TTL", stderr.String())
				}
				if stdout.Len() != 0 {
					t.Errorf("a refused -ttl printed %q", stdout.String())
				}
				return
			}

			raw := strings.TrimSpace(stdout.String())
			var claims jwt.RegisteredClaims
			if _, _, err := jwt.NewParser().ParseUnverified(raw, &claims); err != nil {
				t.Fatalf("printed %q: %v", raw, err)
			}
			if got := claims.ExpiresAt.Sub(claims.IssuedAt.Time); got != tt.wantTTL {
				t.Fatalf("token lives %v, want %v", got, tt.wantTTL)
			}
			v, err := token.NewVerifier([][]byte{[]byte(tokenCommandSecret)}, "api", maxTTL)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := v.Verify("Bearer " + raw); err != nil {
				t.Fatalf("the service would refuse the printed token: %v", err)
			}
		})
	}
}
