package domain

import (
	"strings"

	"golang.org/x/text/language"
)

// NormalizeCountry accepts an ISO 3166-1 alpha-2 country code in any letter
// case and returns it upper-cased. golang.org/x/text keeps the registry, so
// new or withdrawn codes follow its releases; we add only the rules that the
// registry alone does not give: exactly two ASCII letters (no numeric or
// three-letter codes), an actual country (no macro-region such as "EU", "EZ"
// or "UN", no private-use code such as "ZZ"), and no alias that maps to
// another code ("UK" for "GB").
func NormalizeCountry(raw string) (string, error) {
	code := strings.TrimSpace(raw)
	// Letters are checked before upper-casing: Unicode case mapping turns some
	// non-ASCII letters into ASCII ones ("ı" into "I", "ſ" into "S").
	if len(code) != 2 || !isASCIILetter(code[0]) || !isASCIILetter(code[1]) {
		return "", &InvalidCountryError{Country: raw}
	}
	code = strings.ToUpper(code)
	region, err := language.ParseRegion(code)
	// ParseRegion does not canonicalise, so aliases are found by asking for
	// the replacement. Exceptionally reserved codes (EZ, UN, AC, ...) have no
	// UN M.49 number, unlike every assigned country, and x/text counts some
	// of them as countries.
	if err != nil || !region.IsCountry() || region.M49() == 0 || region.Canonicalize() != region {
		return "", &InvalidCountryError{Country: raw}
	}
	return code, nil
}

func isASCIILetter(c byte) bool { return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' }
