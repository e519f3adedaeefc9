package bootstrap

import (
	"strings"
	"testing"
	"time"
)

func TestTokenMaxTTLSetting(t *testing.T) {
	tests := []struct {
		name    string
		env     []string
		want    time.Duration
		wantErr string
	}{
		{"a day by default", nil, 24 * time.Hour, ""},
		{"set from the environment", []string{"CUSTOMER_TOKEN_MAX_TTL=15m"}, 15 * time.Minute, ""},
		{"zero is refused", []string{"CUSTOMER_TOKEN_MAX_TTL=0s"}, 0, "CUSTOMER_TOKEN_MAX_TTL"},
		{"negative is refused", []string{"CUSTOMER_TOKEN_MAX_TTL=-1h"}, 0, "CUSTOMER_TOKEN_MAX_TTL"},
		{"not a duration", []string{"CUSTOMER_TOKEN_MAX_TTL=a day"}, 0, "TokenMaxTTL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := LoadConfig(tt.env)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || cfg.TokenMaxTTL != tt.want {
				t.Fatalf("TokenMaxTTL = %v (err %v), want %v", cfg.TokenMaxTTL, err, tt.want)
			}
		})
	}
}
