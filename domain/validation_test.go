package domain_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/microbase-io/customer-service/domain"
)

func TestValidationError_ListsEveryProblemAsFieldColonMessage(t *testing.T) {
	err := &domain.ValidationError{Problems: []domain.Problem{
		{Field: "status", Message: "must be ACTIVE or INACTIVE"},
		{Field: "tags", Message: "each tag must not be empty"},
	}}
	want := []string{"status: must be ACTIVE or INACTIVE", "tags: each tag must not be empty"}
	if got := err.Messages(); !slices.Equal(got, want) {
		t.Errorf("Messages() = %q, want %q", got, want)
	}
	if got := err.Error(); got != "invalid input: status: must be ACTIVE or INACTIVE; tags: each tag must not be empty" {
		t.Errorf("Error() = %q", got)
	}
	if !errors.Is(err, domain.ErrValidation) {
		t.Error("a ValidationError must match ErrValidation")
	}
	if got := err.Problems[0].String(); got != want[0] {
		t.Errorf("Problem.String() = %q, want %q", got, want[0])
	}
}

func TestJoinValidation_MergesProblemsSoEveryBadArgumentIsNamed(t *testing.T) {
	badID := domain.CheckID("customerId", "")
	badAddressID := domain.CheckID("addressId", " x")
	_, badEmail := domain.NormalizeEmail("nope")
	_, badCountry := domain.NormalizeCountry("EU")
	tests := []struct {
		name         string
		errs         []error
		wantProblems []string // nil when the result is not a ValidationError
		wantErr      error
	}{
		{name: "nothing", errs: nil},
		{name: "only nils", errs: []error{nil, nil}},
		{name: "one", errs: []error{nil, badID}, wantProblems: []string{"customerId: must not be empty"}},
		{
			name:         "several, in order",
			errs:         []error{badID, nil, badAddressID},
			wantProblems: []string{"customerId: must not be empty", "addressId: must not have surrounding spaces"},
		},
		{name: "field problems win over an invalid email", errs: []error{badEmail, badID}, wantProblems: []string{"customerId: must not be empty"}},
		{name: "without field problems the first error is kept", errs: []error{nil, badEmail, badCountry}, wantErr: badEmail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := domain.JoinValidation(tt.errs...)
			switch {
			case tt.wantProblems != nil:
				wantProblems(t, err, tt.wantProblems...)
			case err != tt.wantErr:
				t.Errorf("JoinValidation = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestJoinValidation_DoesNotChangeItsArguments(t *testing.T) {
	a := domain.CheckID("customerId", "")
	b := domain.CheckID("addressId", "")
	_ = domain.JoinValidation(a, b)
	if got := problems(t, a); len(got) != 1 {
		t.Errorf("first argument now holds %q", got)
	}
}

func TestWithUnread_NamesUnreadArgumentsFirstAndDropsRulesAboutThem(t *testing.T) {
	_, badEmail := domain.NormalizeEmail("nope")
	_, badAddress := domain.NewAddress("", domain.AddressInput{}, "address.")
	unread := []domain.Problem{{Field: "id", Message: "must be a string"}, {Field: "addresses[0].phone", Message: "must be a number"}}
	tests := []struct {
		name         string
		unread       []domain.Problem
		errs         []error
		wantProblems []string // nil when the result is not a ValidationError
		wantErr      error
	}{
		{name: "nothing unread, nothing broken"},
		{name: "nothing unread: the rules alone", errs: []error{domain.CheckID("id", "")}, wantProblems: []string{"id: must not be empty"}},
		{name: "nothing unread keeps a specific error", errs: []error{badEmail}, wantErr: badEmail},
		{name: "unread alone", unread: unread, wantProblems: []string{"id: must be a string", "addresses[0].phone: must be a number"}},
		{
			name:   "a rule about an unread argument is left out, others follow",
			unread: unread,
			errs:   []error{domain.CheckID("id", ""), domain.CheckAddressInputs(nil), domain.CheckID("customerId", " x")},
			wantProblems: []string{"id: must be a string", "addresses[0].phone: must be a number",
				"customerId: must not have surrounding spaces"},
		},
		{name: "every field of an unread object is left out", unread: []domain.Problem{{Field: "address", Message: "must be an object"}},
			errs: []error{badAddress}, wantProblems: []string{"address: must be an object"}},
		{name: "a specific error gives way to unread arguments", unread: unread[:1], errs: []error{badEmail},
			wantProblems: []string{"id: must be a string"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := domain.WithUnread(tt.unread, tt.errs...)
			switch {
			case tt.wantProblems != nil:
				wantProblems(t, err, tt.wantProblems...)
			case err != tt.wantErr:
				t.Errorf("WithUnread = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestProblem_ArgumentIsTheNameBeforeAnyPath(t *testing.T) {
	for field, want := range map[string]string{"id": "id", "address.id": "address", "addresses[1].city": "addresses", "": ""} {
		if got := (domain.Problem{Field: field}).Argument(); got != want {
			t.Errorf("Argument of %q = %q, want %q", field, got, want)
		}
	}
}

func TestCheckGiven_RefusesOnlyAnEmptyArgumentUnderItsName(t *testing.T) {
	tests := []struct {
		value string
		want  []string
	}{
		{"", []string{"email: must not be empty"}},
		{" ", nil}, // what a value may hold is the rule of its own check
		{"ada@example.com", nil},
	}
	for _, tt := range tests {
		err := domain.CheckGiven("email", tt.value)
		var ve *domain.ValidationError
		switch {
		case tt.want == nil && err != nil:
			t.Errorf("CheckGiven(%q) = %v, want nil", tt.value, err)
		case tt.want != nil && (!errors.As(err, &ve) || !slices.Equal(ve.Messages(), tt.want)):
			t.Errorf("CheckGiven(%q) = %v, want %q", tt.value, err, tt.want)
		}
	}
}
