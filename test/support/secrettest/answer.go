// Package secrettest finds secrets where a caller could read them: in the
// service's answers.
package secrettest

import (
	"encoding/json"
	"strings"
	"testing"
)

// bcryptMarkers start every bcrypt hash the service may store.
var bcryptMarkers = []string{"$2a$", "$2b$", "$2y$"}

// CheckAnswer fails t when the answer raw, of what (a method, a request),
// holds one of passwords, a bcrypt hash, or a field or a value about a
// password. The word may appear only in an error code
// (password_token_invalid) and in a validation message naming a password
// argument ("newPassword: ..."), which tells the caller what to fix and
// holds nothing of it.
func CheckAnswer(t testing.TB, what string, raw []byte, passwords []string) {
	t.Helper()
	text := string(raw)
	for _, p := range passwords {
		if strings.Contains(text, p) {
			t.Errorf("%s answered a password: %s", what, raw)
		}
	}
	for _, m := range bcryptMarkers {
		if strings.Contains(text, m) {
			t.Errorf("%s answered a bcrypt hash: %s", what, raw)
		}
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Errorf("%s answered %s, not a JSON object: %v", what, raw, err)
		return
	}
	validation := body["error"] == "validation_error"
	var walk func(v any, inValidationData bool)
	walk = func(v any, inValidationData bool) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if strings.Contains(strings.ToLower(k), "password") {
					t.Errorf("%s answered a %q field: %s", what, k, raw)
				}
				if k == "error" {
					continue
				}
				walk(e, k == "data" && validation)
			}
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok && inValidationData && namesAPasswordArgument(s) {
					continue
				}
				walk(e, false)
			}
		case string:
			if strings.Contains(strings.ToLower(v), "password") {
				t.Errorf("%s answered a value about a password: %s", what, raw)
			}
		}
	}
	walk(body, false)
}

// namesAPasswordArgument is a validation message about an argument that
// holds a password.
func namesAPasswordArgument(message string) bool {
	field, _, ok := strings.Cut(message, ": ")
	return ok && strings.Contains(strings.ToLower(field), "password")
}
