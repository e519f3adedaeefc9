package domain_test

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/domain"
)

// A name obeys one set of rules whether it comes with a new customer, an
// update, or an address.
func TestNames_AreTrimmedNonEmptyPrintableAndBounded(t *testing.T) {
	tests := []struct {
		name, raw, want, problem string
	}{
		{name: "plain", raw: "Ada", want: "Ada"},
		{name: "trimmed", raw: "  Ada \t", want: "Ada"},
		{name: "inner spaces kept", raw: "Mary Ann", want: "Mary Ann"},
		{name: "non-ASCII letters", raw: "Zoë Ñúñez 李", want: "Zoë Ñúñez 李"},
		{name: "emoji", raw: "Ada 🙂", want: "Ada 🙂"},
		{name: "at the limit in characters", raw: strings.Repeat("é", domain.MaxNameLength), want: strings.Repeat("é", domain.MaxNameLength)},
		{name: "empty", raw: "", problem: "must not be empty"},
		{name: "blank", raw: " \t\n ", problem: "must not be empty"},
		{name: "too long", raw: strings.Repeat("a", domain.MaxNameLength+1), problem: "must be at most 100 characters"},
		{name: "the limit applies after trimming", raw: " " + strings.Repeat("a", domain.MaxNameLength) + " ", want: strings.Repeat("a", domain.MaxNameLength)},
		{name: "NUL byte", raw: "Ada\x00", problem: "must not contain control characters"},
		{name: "only a NUL byte", raw: "\x00", problem: "must not contain control characters"},
		{name: "escape sequence", raw: "Ada\x1b[31m", problem: "must not contain control characters"},
		{name: "DEL", raw: "A\x7fda", problem: "must not contain control characters"},
		{name: "C1 control", raw: "A\u0085da", problem: "must not contain control characters"},
		{name: "inner newline", raw: "Ada\nLovelace", problem: "must not contain control characters"},
		{name: "invalid UTF-8", raw: "Ad\xe9", problem: "must be valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Run("create", func(t *testing.T) {
				in := validCustomerInput()
				in.FirstName = tt.raw
				c, err := domain.NewCustomer(in, bcrypt.MinCost, created)
				if tt.problem != "" {
					wantProblems(t, err, "firstName: "+tt.problem)
					return
				}
				if err != nil {
					t.Fatalf("NewCustomer error = %v", err)
				}
				if got := c.Snapshot().FirstName; got != tt.want {
					t.Errorf("firstName = %q, want %q", got, tt.want)
				}
			})
			t.Run("update", func(t *testing.T) {
				p, err := domain.NewCustomerPatch(domain.CustomerChanges{LastName: new(tt.raw)})
				if tt.problem != "" {
					wantProblems(t, err, "lastName: "+tt.problem)
					return
				}
				if err != nil {
					t.Fatalf("NewCustomerPatch error = %v", err)
				}
				if got, _ := p.LastName(); got != tt.want {
					t.Errorf("lastName = %q, want %q", got, tt.want)
				}
			})
			t.Run("address", func(t *testing.T) {
				in := validAddressInput()
				in.FirstName = tt.raw
				a, err := domain.NewAddress("a", in, "address.")
				if tt.problem != "" {
					wantProblems(t, err, "address.firstName: "+tt.problem)
					return
				}
				if err != nil {
					t.Fatalf("NewAddress error = %v", err)
				}
				if a.FirstName != tt.want {
					t.Errorf("firstName = %q, want %q", a.FirstName, tt.want)
				}
			})
		})
	}
}
