package domain_test

import (
	"testing"

	"github.com/microbase-io/customer-service/domain"
)

func TestParseStatus_AcceptsExactlyActiveOrInactive(t *testing.T) {
	tests := []struct {
		raw    string
		want   domain.Status
		wantOK bool
	}{
		{"ACTIVE", domain.StatusActive, true},
		{"INACTIVE", domain.StatusInactive, true},
		{"active", domain.Status{}, false},
		{"Inactive", domain.Status{}, false},
		{" ACTIVE", domain.Status{}, false},
		{"ACTIVE ", domain.Status{}, false},
		{"", domain.Status{}, false},
		{"DELETED", domain.Status{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := domain.ParseStatus(tt.raw)
			if (err == nil) != tt.wantOK {
				t.Fatalf("ParseStatus(%q) error = %v, want ok = %v", tt.raw, err, tt.wantOK)
			}
			if err != nil && err.Error() != "must be ACTIVE or INACTIVE" {
				t.Errorf("ParseStatus(%q) error = %q", tt.raw, err)
			}
			if got != tt.want {
				t.Errorf("ParseStatus(%q) = %v, want %v", tt.raw, got, tt.want)
			}
		})
	}
}

func TestStatus_PrintsAsStored(t *testing.T) {
	if got := domain.StatusActive.String(); got != "ACTIVE" {
		t.Errorf("StatusActive.String() = %q", got)
	}
	if got := domain.StatusInactive.String(); got != "INACTIVE" {
		t.Errorf("StatusInactive.String() = %q", got)
	}
}
