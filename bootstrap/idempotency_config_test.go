package bootstrap

import (
	"strings"
	"testing"
)

func TestIdempotencyMaxBytesSetting(t *testing.T) {
	tests := []struct {
		name    string
		env     []string
		want    int64
		wantErr bool
	}{
		{"64 MiB by default", nil, 64 << 20, false},
		{"set from the environment", []string{"CUSTOMER_IDEMPOTENCY_MAX_BYTES=2097152"}, 2 << 20, false},
		{"1 MiB, the least, is taken", []string{"CUSTOMER_IDEMPOTENCY_MAX_BYTES=1048576"}, 1 << 20, false},
		{"below what one write of the largest customer needs", []string{"CUSTOMER_IDEMPOTENCY_MAX_BYTES=1048575"}, 0, true},
		{"zero is refused", []string{"CUSTOMER_IDEMPOTENCY_MAX_BYTES=0"}, 0, true},
		{"not a number", []string{"CUSTOMER_IDEMPOTENCY_MAX_BYTES=64MiB"}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := LoadConfig(tt.env)
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "CUSTOMER_IDEMPOTENCY_MAX_BYTES") && !strings.Contains(err.Error(), "IdempotencyMax") {
					t.Fatalf("err = %v, want one naming CUSTOMER_IDEMPOTENCY_MAX_BYTES", err)
				}
				return
			}
			if err != nil || cfg.IdempotencyLimits().MaxBytesPerSubject != tt.want {
				t.Fatalf("limit = %d (err %v), want %d", cfg.IdempotencyLimits().MaxBytesPerSubject, err, tt.want)
			}
		})
	}
}
