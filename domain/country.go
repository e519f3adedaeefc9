package domain

import (
	"strings"

	"golang.org/x/text/language"
)

// NormalizeCountry accepts an ISO 3166-1 alpha-2 country code in any letter
// case and returns it upper-cased. golang.org/x/text keeps the registry, so
// new or withdrawn codes follow its releases; we add only the rules that the
// registry alone does not give: exactly two letters (no numeric or
// three-letter codes), an actual country (no macro-region such as "EU" or a
// private-use code such as "ZZ"), and no alias that maps to another code.
func NormalizeCountry(raw string) (string, error) {
	code := strings.ToUpper(strings.TrimSpace(raw))
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return "", &InvalidCountryError{Country: raw}
	}
	region, err := language.ParseRegion(code)
	if err != nil || !region.IsCountry() || region.String() != code {
		return "", &InvalidCountryError{Country: raw}
	}
	return code, nil
}
