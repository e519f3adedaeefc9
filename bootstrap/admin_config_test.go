package bootstrap

import (
	"strings"
	"testing"
)

func TestAdminSettings(t *testing.T) {
	tests := []struct {
		name      string
		env       []string
		wantAddr  string
		wantPprof bool
		wantErr   string
	}{
		{"defaults: port 9005, no profiler", nil, ":9005", false, ""},
		{"set from the environment", []string{"CUSTOMER_ADMIN_ADDR=127.0.0.1:9100", "CUSTOMER_PPROF=true"}, "127.0.0.1:9100", true, ""},
		{"any free port for both, as tests do", []string{"CUSTOMER_HTTP_ADDR=127.0.0.1:0", "CUSTOMER_ADMIN_ADDR=127.0.0.1:0"}, "127.0.0.1:0", false, ""},
		{"not on the API's address", []string{"CUSTOMER_ADMIN_ADDR=:3005"}, "", false, "CUSTOMER_ADMIN_ADDR"},
		{"pprof is a boolean", []string{"CUSTOMER_PPROF=sometimes"}, "", false, "CUSTOMER_PPROF"},
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
			if err != nil || cfg.AdminAddr != tt.wantAddr || cfg.Pprof != tt.wantPprof {
				t.Fatalf("admin %q pprof %v (err %v), want %q %v", cfg.AdminAddr, cfg.Pprof, err, tt.wantAddr, tt.wantPprof)
			}
		})
	}
}
