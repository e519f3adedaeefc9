package secrettest

import (
	"fmt"
	"testing"
)

// recorder is a testing.TB that keeps the failures it is told of.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, a ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, a...))
}

func TestCheckAnswerFindsWhatAnswersMustNotHold(t *testing.T) {
	const secret = "s3cret-pass"
	tests := []struct {
		name   string
		answer string
		fails  bool
	}{
		{"a customer", `{"ok":true,"customer":{"email":"a@example.com","id":"x"}}`, false},
		{"a validation message naming a password argument", `{"ok":false,"error":"validation_error","data":["newPassword: must be 8 to 72 bytes long"]}`, false},
		{"an error code about a password token", `{"ok":false,"error":"password_token_invalid"}`, false},
		{"the password itself", `{"ok":true,"customer":{"lastName":"` + secret + `"}}`, true},
		{"a bcrypt hash", `{"ok":true,"customer":{"note":"$2a$10$abcdefghijklmnopqrstuv"}}`, true},
		{"a password field", `{"ok":true,"customer":{"passwordHash":"x"}}`, true},
		{"a value about a password outside a validation message", `{"ok":false,"error":"bad_credentials","data":["password: wrong"]}`, true},
		{"not JSON", `password`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			CheckAnswer(r, "the call", []byte(tt.answer), []string{secret})
			if got := len(r.failures) > 0; got != tt.fails {
				t.Errorf("failed = %v (%v), want %v", got, r.failures, tt.fails)
			}
		})
	}
}
