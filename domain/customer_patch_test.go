package domain_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/microbase-io/customer-service/domain"
)

func TestNewCustomerPatch_NamesNoFieldWhenNothingIsPresent(t *testing.T) {
	p, err := domain.NewCustomerPatch(domain.CustomerChanges{})
	if err != nil {
		t.Fatalf("NewCustomerPatch error = %v", err)
	}
	if !p.IsEmpty() {
		t.Error("a patch without fields is not empty")
	}
	if _, ok := p.Email(); ok {
		t.Error("Email reported present")
	}
	if _, ok := p.FirstName(); ok {
		t.Error("FirstName reported present")
	}
	if _, ok := p.LastName(); ok {
		t.Error("LastName reported present")
	}
	if _, ok := p.Status(); ok {
		t.Error("Status reported present")
	}
	if _, ok := p.Tags(); ok {
		t.Error("Tags reported present")
	}
	if !(domain.CustomerPatch{}).IsEmpty() {
		t.Error("the zero patch is not empty")
	}
}

func TestNewCustomerPatch_NormalisesEachPresentFieldAlone(t *testing.T) {
	tests := []struct {
		name    string
		changes domain.CustomerChanges
		check   func(t *testing.T, p domain.CustomerPatch)
	}{
		{"email", domain.CustomerChanges{Email: new(" Ada@Example.COM ")}, func(t *testing.T, p domain.CustomerPatch) {
			if v, ok := p.Email(); !ok || v != "ada@example.com" {
				t.Errorf("Email() = %q, %v", v, ok)
			}
		}},
		{"firstName", domain.CustomerChanges{FirstName: new(" Ada ")}, func(t *testing.T, p domain.CustomerPatch) {
			if v, ok := p.FirstName(); !ok || v != "Ada" {
				t.Errorf("FirstName() = %q, %v", v, ok)
			}
		}},
		{"lastName", domain.CustomerChanges{LastName: new("King ")}, func(t *testing.T, p domain.CustomerPatch) {
			if v, ok := p.LastName(); !ok || v != "King" {
				t.Errorf("LastName() = %q, %v", v, ok)
			}
		}},
		{"status", domain.CustomerChanges{Status: new("INACTIVE")}, func(t *testing.T, p domain.CustomerPatch) {
			if v, ok := p.Status(); !ok || v != domain.StatusInactive {
				t.Errorf("Status() = %v, %v", v, ok)
			}
		}},
		{"tags", domain.CustomerChanges{Tags: &[]string{" VIP", "GOLD", "VIP"}}, func(t *testing.T, p domain.CustomerPatch) {
			if v, ok := p.Tags(); !ok || !slices.Equal(v, []string{"VIP", "GOLD"}) {
				t.Errorf("Tags() = %q, %v", v, ok)
			}
		}},
		{"empty tags clear", domain.CustomerChanges{Tags: &[]string{}}, func(t *testing.T, p domain.CustomerPatch) {
			if v, ok := p.Tags(); !ok || len(v) != 0 {
				t.Errorf("Tags() = %q, %v; want present and empty", v, ok)
			}
		}},
		{"null tag list clears too", domain.CustomerChanges{Tags: new([]string)}, func(t *testing.T, p domain.CustomerPatch) {
			if v, ok := p.Tags(); !ok || len(v) != 0 {
				t.Errorf("Tags() = %q, %v; want present and empty", v, ok)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := domain.NewCustomerPatch(tt.changes)
			if err != nil {
				t.Fatalf("NewCustomerPatch error = %v", err)
			}
			if p.IsEmpty() {
				t.Error("a patch with a present field reports empty")
			}
			tt.check(t, p)
		})
	}
}

func TestNewCustomerPatch_IgnoresAbsentFieldsThatWouldBeInvalid(t *testing.T) {
	// Only Status is present; a create would need email, password and names.
	if _, err := domain.NewCustomerPatch(domain.CustomerChanges{Status: new("ACTIVE")}); err != nil {
		t.Errorf("NewCustomerPatch error = %v", err)
	}
}

func TestNewCustomerPatch_ReportsEveryProblemAtOnce(t *testing.T) {
	_, err := domain.NewCustomerPatch(domain.CustomerChanges{
		Email:     new("nope"), // hidden: field problems win
		FirstName: new(""),
		LastName:  new(strings.Repeat("x", domain.MaxNameLength+1)),
		Status:    new("Active"),
		Tags:      &[]string{"ok", " "},
	})
	wantProblems(t, err,
		"firstName: must not be empty",
		"lastName: must be at most 100 characters",
		"status: must be ACTIVE or INACTIVE",
		"tags: each tag must not be empty",
	)
}

func TestNewCustomerPatch_AnInvalidEmailAloneGetsItsOwnError(t *testing.T) {
	p, err := domain.NewCustomerPatch(domain.CustomerChanges{Email: new("Ada <ada@example.com>"), Status: new("ACTIVE")})
	var ie *domain.InvalidEmailError
	if !errors.As(err, &ie) || ie.Email != "Ada <ada@example.com>" || errors.Is(err, domain.ErrValidation) {
		t.Errorf("error = %#v, want only *InvalidEmailError", err)
	}
	if !p.IsEmpty() {
		t.Error("a refused patch still names fields")
	}
}
