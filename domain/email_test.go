package domain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/microbase-io/customer-service/domain"
)

func TestNormalizeEmail_TrimsAndLowerCasesValidAddresses(t *testing.T) {
	// 64 + 1 + 189 bytes: exactly the 254-byte limit.
	longest := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 61)
	tests := []struct {
		name, raw, want string
	}{
		{"plain", "ada@example.com", "ada@example.com"},
		{"upper case", "Ada.Lovelace@Example.COM", "ada.lovelace@example.com"},
		{"surrounding spaces", "  ada@example.com\t\n", "ada@example.com"},
		{"surrounding non-breaking spaces", "\u00a0ada@example.com\u00a0", "ada@example.com"},
		{"plus addressing", "ada+news@example.com", "ada+news@example.com"},
		{"subdomain", "ada@mail.example.co.uk", "ada@mail.example.co.uk"},
		{"apostrophe and hyphen", "o'brien-x@example.ie", "o'brien-x@example.ie"},
		{"punycode domain", "ada@xn--80ak6aa92e.com", "ada@xn--80ak6aa92e.com"},
		{"at the length limit", longest, longest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.NormalizeEmail(tt.raw)
			if err != nil {
				t.Fatalf("NormalizeEmail(%q) error = %v", tt.raw, err)
			}
			if got != tt.want {
				t.Errorf("NormalizeEmail(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func TestNormalizeEmail_RejectsDisplayNamesBracketsAndLists(t *testing.T) {
	for _, raw := range []string{
		"Ada <ada@example.com>",
		`"Ada Lovelace" <ada@example.com>`,
		"<ada@example.com>",
		"ada@example.com, bob@example.com",
		"ada@example.com,bob@example.com",
		"ada@example.com;bob@example.com",
		"ada@example.com (Ada)",
		"ada(comment)@example.com",
		`"ada"@example.com`,
		`"ada lovelace"@example.com`,
	} {
		t.Run(raw, func(t *testing.T) { wantInvalidEmail(t, raw) })
	}
}

func TestNormalizeEmail_RejectsMalformedAddresses(t *testing.T) {
	tooLong := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 62)
	for name, raw := range map[string]string{
		"empty":                "",
		"only spaces":          "   ",
		"no at sign":           "ada.example.com",
		"two at signs":         "ada@bob@example.com",
		"no local part":        "@example.com",
		"no domain":            "ada@",
		"domain without dot":   "ada@localhost",
		"domain leading dot":   "ada@.example.com",
		"domain trailing dot":  "ada@example.com.",
		"domain double dot":    "ada@example..com",
		"domain literal":       "ada@[192.0.2.1]",
		"local double dot":     "ada..l@example.com",
		"local leading dot":    ".ada@example.com",
		"inner space":          "ada lovelace@example.com",
		"inner tab":            "ada\t@example.com",
		"NUL byte":             "ada@example.com\x00",
		"DEL byte":             "ada\x7f@example.com",
		"over the length cap":  tooLong,
		"invalid UTF-8":        "ada\xff@example.com",
		"newline inside":       "ada@exa\nmple.com",
		"header injection":     "ada@example.com\r\nBcc: eve@example.com",
		"backslash escape":     `ada\@x@example.com`,
		"percent-encoded at":   "ada%40example.com",
		"url instead of email": "https://example.com",
	} {
		t.Run(name, func(t *testing.T) { wantInvalidEmail(t, raw) })
	}
}

// Look-alike letters would let a second account read the same as an
// existing one; some of them even lower-case into plain ASCII.
func TestNormalizeEmail_RejectsNonASCIIIncludingLookAlikes(t *testing.T) {
	for name, raw := range map[string]string{
		"cyrillic a in domain":      "ada@p\u0430ypal.com",
		"kelvin sign lower-cases":   "\u212aelvin@example.com",
		"dotted capital I":          "\u0130nfo@example.com",
		"fullwidth at sign":         "ada\uff20example.com",
		"accented local part":       "jos\u00e9@example.com",
		"unicode domain":            "ada@b\u00fccher.de",
		"zero-width space":          "ada\u200b@example.com",
		"right-to-left override":    "ada@example.com\u202e",
		"fullwidth latin":           "\uff41da@example.com",
		"mathematical bold letters": "\U0001d41ada@example.com",
	} {
		t.Run(name, func(t *testing.T) { wantInvalidEmail(t, raw) })
	}
}

func TestNormalizeEmail_ErrorCarriesTheEmailAsSent(t *testing.T) {
	raw := " Not An Email "
	_, err := domain.NormalizeEmail(raw)
	var ie *domain.InvalidEmailError
	if !errors.As(err, &ie) {
		t.Fatalf("error = %v (%T), want *InvalidEmailError", err, err)
	}
	if ie.Email != raw {
		t.Errorf("InvalidEmailError.Email = %q, want %q", ie.Email, raw)
	}
	if errors.Is(err, domain.ErrValidation) {
		t.Error("an invalid email must not read as a validation_error: it has its own code")
	}
}

func wantInvalidEmail(t *testing.T, raw string) {
	t.Helper()
	got, err := domain.NormalizeEmail(raw)
	if err == nil {
		t.Fatalf("NormalizeEmail(%q) = %q, want an error", raw, got)
	}
	if !errors.As(err, new(*domain.InvalidEmailError)) {
		t.Errorf("NormalizeEmail(%q) error = %v, want an InvalidEmailError", raw, err)
	}
	if got != "" {
		t.Errorf("NormalizeEmail(%q) returned %q with its error", raw, got)
	}
}
