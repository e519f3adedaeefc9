package domain

import (
	"net/mail"
	"strings"
)

// NormalizeEmail trims and lower-cases an email and checks its form: a
// single bare address (no display name, no angle brackets, no list), whose
// domain has a dot. Addresses are limited to ASCII: internationalised
// domains travel as punycode (xn--), and refusing other characters stops
// look-alike letters (a Cyrillic "а" in "pаypal.com") from creating a second
// account that reads the same as an existing one.
//
// Uniqueness is case-insensitive because the stored form is lower case.
func NormalizeEmail(raw string) (string, error) {
	email := strings.TrimSpace(raw)
	if email == "" || len(email) > MaxEmailLength {
		return "", &InvalidEmailError{Email: raw}
	}
	// The ASCII check comes before lower-casing: Unicode case mapping turns
	// some non-ASCII letters into ASCII ones (KELVIN SIGN into "k", "İ" into
	// "i"), which would let a look-alike through.
	for i := 0; i < len(email); i++ {
		if c := email[i]; c <= ' ' || c >= 0x7f {
			return "", &InvalidEmailError{Email: raw}
		}
	}
	email = strings.ToLower(email)
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Name != "" || addr.Address != email {
		return "", &InvalidEmailError{Email: raw}
	}
	at := strings.LastIndexByte(email, '@')
	domain := email[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") ||
		strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") ||
		strings.HasPrefix(domain, "[") {
		return "", &InvalidEmailError{Email: raw}
	}
	return email, nil
}
