package domain

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length limits, in characters. They are generous for real data and keep a
// hostile client from storing megabytes in one field.
const (
	MaxNameLength    = 100 // firstName, lastName, address name
	MaxTextLength    = 200 // address lines, city, state, company, ...
	MaxNoteLength    = 1000
	MaxTagLength     = 64
	MaxTags          = 50
	MaxIDLength      = 128
	MaxEmailLength   = 254 // RFC 5321 path limit
	MaxAddresses     = 50
	maxPhone         = 999_999_999_999_999 // 15 digits, the E.164 maximum
	minPasswordBytes = 8
	MaxPasswordBytes = 72 // bcrypt ignores every byte after the 72nd
)

// cleanText trims value and checks it is printable text of at most max
// characters; required says whether an empty result is an error.
func cleanText(value string, max int, required bool) (string, error) {
	if !utf8.ValidString(value) {
		return "", broken("must be valid UTF-8")
	}
	value = strings.TrimSpace(value)
	if value == "" {
		if required {
			return "", broken("must not be empty")
		}
		return "", nil
	}
	if utf8.RuneCountInString(value) > max {
		return "", broken("must be at most " + strconv.Itoa(max) + " characters")
	}
	if strings.ContainsFunc(value, unicode.IsControl) {
		return "", broken("must not contain control characters")
	}
	return value, nil
}
