package domain_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/microbase-io/customer-service/domain"
)

func TestNormalizeTags_TrimsAndDropsDuplicatesKeepingFirstSeenOrder(t *testing.T) {
	fifty := make([]string, domain.MaxTags)
	for i := range fifty {
		fifty[i] = "t" + strconv.Itoa(i)
	}
	tests := []struct {
		name string
		raw  []string
		want []string
	}{
		{"nil means no tags", nil, []string{}},
		{"empty list means no tags", []string{}, []string{}},
		{"kept in the given order", []string{"VIP", "GOLD", "B2B"}, []string{"VIP", "GOLD", "B2B"}},
		{"trimmed", []string{"  VIP ", "\tGOLD\n"}, []string{"VIP", "GOLD"}},
		{"duplicates dropped, first kept", []string{"GOLD", "VIP", "GOLD", " VIP", "B2B"}, []string{"GOLD", "VIP", "B2B"}},
		{"case matters", []string{"vip", "VIP"}, []string{"vip", "VIP"}},
		{"inner spaces kept", []string{"key account"}, []string{"key account"}},
		{"longest tag counted in characters", []string{strings.Repeat("é", domain.MaxTagLength)}, []string{strings.Repeat("é", domain.MaxTagLength)}},
		{"as many tags as allowed", fifty, fifty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.NormalizeTags(tt.raw)
			if err != nil {
				t.Fatalf("NormalizeTags(%q) error = %v", tt.raw, err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("NormalizeTags(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func TestNormalizeTags_RejectsBadTagsAndTooMany(t *testing.T) {
	tooMany := make([]string, domain.MaxTags+1)
	for i := range tooMany {
		tooMany[i] = "t" + strconv.Itoa(i)
	}
	tests := []struct {
		name string
		raw  []string
		want string
	}{
		{"empty tag", []string{"VIP", ""}, "each tag must not be empty"},
		{"blank tag", []string{"   "}, "each tag must not be empty"},
		{"too long", []string{strings.Repeat("x", domain.MaxTagLength+1)}, "each tag must be at most 64 characters"},
		{"control character", []string{"V\x00IP"}, "each tag must not contain control characters"},
		{"invalid UTF-8", []string{"V\xffIP"}, "each tag must be valid UTF-8"},
		{"too many", tooMany, "must hold at most 50 tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.NormalizeTags(tt.raw)
			if err == nil {
				t.Fatalf("NormalizeTags = %q, want an error", got)
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q, want %q", err, tt.want)
			}
		})
	}
}
