package httpapi_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/microbase-io/customer-service/domain"
)

func TestCustomerRemove_DeletesThenAnswersNotFound(t *testing.T) {
	a := newFullAPI(t)
	id := a.addCustomer(t, "ada@example.com", adaPassword)

	got := a.call(t, "customer.remove", `{"id":"`+id+`"}`)
	if got.status != http.StatusOK || len(got.body) != 1 {
		t.Fatalf("remove answered %d %s, want just ok", got.status, got.raw)
	}
	if _, err := a.repo.Get(t.Context(), id); !errors.Is(err, domain.ErrCustomerNotFound) {
		t.Fatalf("after remove the store answers %v", err)
	}
	assertError(t, a.call(t, "customer.info", `{"id":"`+id+`"}`), 404, "customer_not_found", `{"id":"`+id+`"}`)
	assertError(t, a.call(t, "customer.remove", `{"id":"`+id+`"}`), 404, "customer_not_found", `{"id":"`+id+`"}`)
}

func TestCustomerRemove_Errors(t *testing.T) {
	tests := []struct {
		name, target, body string
		status             int
		code, data         string
	}{
		{"no id", "customer.remove", `{}`, 400, "validation_error", `["id: is required"]`},
		{"a number id", "customer.remove", `{"id":7}`, 400, "validation_error", `["id: must be a string"]`},
		{"an empty id", "customer.remove?id=", ``, 400, "validation_error", `["id: must not be empty"]`},
		{"an unknown id", "customer.remove", `{"id":"` + unknownID + `"}`, 404, "customer_not_found", `{"id":"` + unknownID + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newFullAPI(t)
			id := a.addCustomer(t, "ada@example.com", adaPassword)
			got := a.serve(t, a.request(http.MethodPost, tt.target, jsonType, tt.body))
			assertError(t, got, tt.status, tt.code, tt.data)
			if _, err := a.repo.Get(t.Context(), id); err != nil {
				t.Fatalf("a failed remove deleted the fixture: %v", err)
			}
		})
	}
}
