package domain_test

import (
	"errors"
	"testing"

	"github.com/microbase-io/customer-service/domain"
)

func TestNormalizeCountry_AcceptsAlpha2CodesInAnyCaseAndUpperCasesThem(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"US", "US"},
		{"us", "US"},
		{"gB", "GB"},
		{" de ", "DE"},
		{"AQ", "AQ"}, // Antarctica: a territory, not a macro-region
		{"SS", "SS"}, // South Sudan, assigned 2011
		{"BQ", "BQ"},
		{"XK", "XK"}, // Kosovo: user-assigned, but in common use for a country
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := domain.NormalizeCountry(tt.raw)
			if err != nil {
				t.Fatalf("NormalizeCountry(%q) error = %v", tt.raw, err)
			}
			if got != tt.want {
				t.Errorf("NormalizeCountry(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func TestNormalizeCountry_RejectsWhatIsNotAnAssignedAlpha2Code(t *testing.T) {
	for name, raw := range map[string]string{
		"empty":                    "",
		"one letter":               "U",
		"alpha-3":                  "USA",
		"numeric":                  "840",
		"letter and digit":         "U1",
		"macro-region EU":          "EU",
		"macro-region EZ":          "EZ",
		"macro-region UN":          "UN",
		"outlying Oceania":         "QO",
		"unknown region":           "ZZ",
		"private use AA":           "AA",
		"private use XA":           "XA",
		"alias UK for GB":          "UK",
		"alias ZR for CD":          "ZR",
		"reserved AC":              "AC",
		"dotless i upper-cases":    "\u0131t",
		"long s upper-cases":       "e\u017f",
		"fullwidth letters":        "\uff35\uff33",
		"inner space":              "U S",
		"control character":        "U\x00",
		"name instead of the code": "United States",
	} {
		t.Run(name, func(t *testing.T) {
			got, err := domain.NormalizeCountry(raw)
			if err == nil {
				t.Fatalf("NormalizeCountry(%q) = %q, want an error", raw, got)
			}
			var ce *domain.InvalidCountryError
			if !errors.As(err, &ce) || ce.Country != raw {
				t.Errorf("error = %#v, want *InvalidCountryError{Country: %q}", err, raw)
			}
		})
	}
}
