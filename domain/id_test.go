package domain_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/microbase-io/customer-service/domain"
)

func TestNewID_IsA128BitURLSafeString(t *testing.T) {
	for range 100 {
		id := domain.NewID()
		if len(id) != 22 {
			t.Fatalf("NewID() = %q, want 22 characters", id)
		}
		raw, err := base64.RawURLEncoding.DecodeString(id)
		if err != nil || len(raw) != 16 {
			t.Fatalf("NewID() = %q does not decode to 16 bytes of base64url: %v", id, err)
		}
		if err := domain.CheckID("id", id); err != nil {
			t.Fatalf("CheckID refuses NewID() = %q: %v", id, err)
		}
	}
}

func TestNewID_DoesNotRepeat(t *testing.T) {
	seen := make(map[string]bool)
	for range 10_000 {
		id := domain.NewID()
		if seen[id] {
			t.Fatalf("NewID() repeated %q", id)
		}
		seen[id] = true
	}
}

func TestCheckID_AcceptsAnyPrintableID(t *testing.T) {
	for name, id := range map[string]string{
		"new id":                   domain.NewID(),
		"Node.js shortid":          "HkhhuXESl",
		"ObjectId-like hex":        "507f1f77bcf86cd799439011",
		"UUID":                     "9b2f4b0e-6f3a-4c59-8d4e-3c2b1a0f9e8d",
		"URL-unreserved symbols":   "a-b_c.d~e",
		"single character":         "x",
		"non-ASCII letters":        "клиент-1",
		"inner space":              "a b",
		"at the byte limit":        strings.Repeat("x", domain.MaxIDLength),
		"two-byte chars at limit":  strings.Repeat("é", domain.MaxIDLength/2),
		"punctuation from old ids": "id:42/eu",
	} {
		t.Run(name, func(t *testing.T) {
			if err := domain.CheckID("id", id); err != nil {
				t.Errorf("CheckID(%q) = %v", id, err)
			}
		})
	}
}

func TestCheckID_RejectsEmptyLongUnprintableOrPaddedIDs(t *testing.T) {
	tests := []struct{ name, id, want string }{
		{"empty", "", "customerId: must not be empty"},
		{"blank", "   ", "customerId: must not be empty"},
		{"one byte too long", strings.Repeat("x", domain.MaxIDLength+1), "customerId: must be at most 128 bytes"},
		{"two-byte chars over the byte limit", strings.Repeat("é", domain.MaxIDLength/2+1), "customerId: must be at most 128 bytes"},
		{"leading space", " HkhhuXESl", "customerId: must not have surrounding spaces"},
		{"trailing newline", "HkhhuXESl\n", "customerId: must not have surrounding spaces"},
		{"NUL byte", "Hkhhu\x00XESl", "customerId: must not contain control characters"},
		{"inner tab", "Hkhhu\tXESl", "customerId: must not contain control characters"},
		{"invalid UTF-8", "Hkhhu\xffXESl", "customerId: must be valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantProblems(t, domain.CheckID("customerId", tt.id), tt.want)
		})
	}
}
