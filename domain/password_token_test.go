package domain_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/domain"
)

func TestNewPasswordToken_IsRandomURLSafeAndKeptOnlyAsItsHash(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	for range 100 {
		token, kept := domain.NewPasswordToken(now, 15*time.Minute)
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || len(raw)*8 < 128 {
			t.Fatalf("token %q: %d random bits (%v), want at least 128, base64url", token, len(raw)*8, err)
		}
		if seen[token] {
			t.Fatalf("token %q made twice", token)
		}
		seen[token] = true
		if kept.Hash == token || strings.Contains(kept.Hash, token) || kept.Hash != domain.HashPasswordToken(token) {
			t.Fatalf("kept %q for token %q, want its hash alone", kept.Hash, token)
		}
		if !kept.ExpiresAt.Equal(now.Add(15 * time.Minute)) {
			t.Fatalf("expires at %s, want 15 min from now", kept.ExpiresAt)
		}
	}
}

func TestPasswordToken_WorksUntilItExpires(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	_, kept := domain.NewPasswordToken(now, time.Minute)
	for _, tt := range []struct {
		at   time.Duration
		live bool
	}{{0, true}, {59 * time.Second, true}, {time.Minute, false}, {time.Hour, false}} {
		if got := kept.LiveAt(now.Add(tt.at)); got != tt.live {
			t.Errorf("live %s after it was made: %v, want %v", tt.at, got, tt.live)
		}
	}
}

func TestCheckPasswordToken_RefusesOnlyWhatNoStoreCouldHold(t *testing.T) {
	token, _ := domain.NewPasswordToken(time.Now(), time.Minute)
	for _, tt := range []struct {
		name, token, want string
	}{
		{"a token", token, ""},
		{"anything else of a token's size is looked up", "not-a-token", ""},
		{"empty", "", "token: must not be empty"},
		{"far longer than any token", strings.Repeat("x", 129), "token: must be at most 128 bytes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := domain.CheckPasswordToken("token", tt.token)
			var ve *domain.ValidationError
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("error = %v, want none", err)
			case tt.want != "" && (!errors.As(err, &ve) || ve.Messages()[0] != tt.want):
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
		})
	}
}
