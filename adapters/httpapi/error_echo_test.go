package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// A rejected email or country is given back so the caller sees what was
// wrong, but never more than a few hundred bytes of it.
func TestErrors_EchoOfARejectedValueIsBounded(t *testing.T) {
	a := newAPI(t)
	huge := strings.Repeat("ж", 200_000) + "@example.com"
	got := a.call(t, "customer.create", `{"email":"`+huge+`","password":"s3cret-pass","firstName":"A","lastName":"B"}`)
	var body struct {
		Error string `json:"error"`
		Data  struct {
			Email string `json:"email"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(got.raw), &body); err != nil {
		t.Fatal(err)
	}
	if body.Error != "customer_invalid_email" || len(body.Data.Email) > 260 ||
		!utf8.ValidString(body.Data.Email) || !strings.HasPrefix(huge, strings.TrimSuffix(body.Data.Email, "…")) {
		t.Fatalf("answer %s with a %d-byte echo, want customer_invalid_email echoing at most 256 bytes of the value", body.Error, len(body.Data.Email))
	}
}
