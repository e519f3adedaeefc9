package httpapi_test

import (
	"net/http"
	"testing"
)

// credentialsFixture stores ada (ACTIVE) and grace (INACTIVE), and
// returns their ids.
func credentialsFixture(t *testing.T, a *api) (ada, grace string) {
	t.Helper()
	ada = a.addCustomer(t, "ada@example.com", adaPassword)
	grace = a.addCustomer(t, "grace@example.com", gracePassword)
	customerOf(t, a.call(t, "customer.update", `{"id":"`+grace+`","status":"INACTIVE"}`))
	return ada, grace
}

func TestCustomerCheckCredentials_RightPasswordOfAnActiveCustomer(t *testing.T) {
	tests := []struct{ name, target, ctype, body string }{
		{"JSON", "customer.checkCredentials", jsonType, `{"email":"ada@example.com","password":"` + adaPassword + `"}`},
		{"email normalised as on create", "customer.checkCredentials", jsonType, `{"email":"  Ada@EXAMPLE.com ","password":"` + adaPassword + `"}`},
		{"form", "customer.checkCredentials", formType, `email=ada%40example.com&password=` + adaPassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newFullAPI(t)
			credentialsFixture(t, a)
			got := a.serve(t, a.request(http.MethodPost, tt.target, tt.ctype, tt.body))
			if got.status != http.StatusOK || len(got.body) != 1 {
				t.Fatalf("answered %d %s, want just ok", got.status, got.raw)
			}
		})
	}
}

// An unknown email, a wrong password and an inactive customer get the
// same answer, byte for byte, so a caller cannot tell them apart.
func TestCustomerCheckCredentials_FailuresAreIndistinguishable(t *testing.T) {
	a := newFullAPI(t)
	credentialsFixture(t, a)
	cases := map[string]string{
		"unknown email":   `{"email":"nobody@example.com","password":"` + adaPassword + `"}`,
		"wrong password":  `{"email":"ada@example.com","password":"` + wrongPassword + `"}`,
		"inactive":        `{"email":"grace@example.com","password":"` + gracePassword + `"}`,
		"not an email":    `{"email":"ada(at)example.com","password":"` + adaPassword + `"}`,
		"another's email": `{"email":"grace@example.com","password":"` + adaPassword + `"}`,
	}
	var first string
	for name, body := range cases {
		got := a.call(t, "customer.checkCredentials", body)
		assertError(t, got, http.StatusUnauthorized, "bad_credentials", "")
		if first == "" {
			first = got.raw
		} else if got.raw != first {
			t.Errorf("%s answered %s, others %s", name, got.raw, first)
		}
	}
}

func TestCustomerCheckCredentials_MalformedCallsAreValidationErrors(t *testing.T) {
	tests := []struct{ name, body, data string }{
		{"nothing", `{}`, `["email: is required","password: is required"]`},
		{"no password", `{"email":"ada@example.com"}`, `["password: is required"]`},
		{"a number password", `{"email":"ada@example.com","password":12345678}`, `["password: must be a string"]`},
		{"empty values", `{"email":"","password":""}`, `["email: must not be empty","password: must not be empty"]`},
		{"a bad type and an empty value at once", `{"email":["ada@example.com"],"password":""}`, `["email: must be a string","password: must not be empty"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newFullAPI(t)
			credentialsFixture(t, a)
			assertError(t, a.call(t, "customer.checkCredentials", tt.body), 400, "validation_error", tt.data)
		})
	}
}
