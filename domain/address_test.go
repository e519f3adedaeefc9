package domain_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/microbase-io/customer-service/domain"
)

func TestNewAddress_TrimsFieldsUpperCasesCountryAndKeepsTheID(t *testing.T) {
	in := domain.AddressInput{
		Name:         " Work ",
		FirstName:    " Ada",
		LastName:     "Lovelace ",
		Address1:     " 1 Main Street ",
		Address2:     " Suite 5 ",
		PostCode:     " 62701 ",
		City:         " Springfield ",
		State:        " IL ",
		Country:      " us ",
		Company:      " Analytical Engines ",
		Phone:        new(int64(2173203531)),
		Instructions: " Ring twice ",
	}
	got, err := domain.NewAddress("addr-1", in, "")
	if err != nil {
		t.Fatalf("NewAddress error = %v", err)
	}
	want := domain.Address{ID: "addr-1", AddressInput: domain.AddressInput{
		Name:         "Work",
		FirstName:    "Ada",
		LastName:     "Lovelace",
		Address1:     "1 Main Street",
		Address2:     "Suite 5",
		PostCode:     "62701",
		City:         "Springfield",
		State:        "IL",
		Country:      "US",
		Company:      "Analytical Engines",
		Phone:        new(int64(2173203531)),
		Instructions: "Ring twice",
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NewAddress =\n%+v\nwant\n%+v", got, want)
	}
	*in.Phone = 1
	if *got.Phone != 2173203531 {
		t.Error("the address shares its phone with the caller's input")
	}
}

func TestNewAddress_LeavesOptionalFieldsEmpty(t *testing.T) {
	got, err := domain.NewAddress("a", validAddressInput(), "")
	if err != nil {
		t.Fatalf("NewAddress error = %v", err)
	}
	if got.LastName != "" || got.Address2 != "" || got.Company != "" || got.Instructions != "" || got.Phone != nil {
		t.Errorf("optional fields = %+v, want them empty", got)
	}
}

func TestNewAddress_ReportsEveryMissingRequiredFieldUnderItsPrefix(t *testing.T) {
	blank := domain.AddressInput{LastName: "  ", Address2: "\t"}
	_, err := domain.NewAddress("a", blank, "addresses[2].")
	wantProblems(t, err,
		"addresses[2].name: must not be empty",
		"addresses[2].firstName: must not be empty",
		"addresses[2].address_1: must not be empty",
		"addresses[2].postCode: must not be empty",
		"addresses[2].city: must not be empty",
		"addresses[2].state: must not be empty",
		"addresses[2].country: must not be empty",
	)
}

func TestNewAddress_ChecksLengthsPhoneAndText(t *testing.T) {
	tests := []struct {
		name   string
		change func(*domain.AddressInput)
		want   string // "" when the address is valid
	}{
		{"phone zero", func(in *domain.AddressInput) { in.Phone = new(int64(0)) }, ""},
		{"phone of 15 digits", func(in *domain.AddressInput) { in.Phone = new(int64(999_999_999_999_999)) }, ""},
		{"phone of 16 digits", func(in *domain.AddressInput) { in.Phone = new(int64(1_000_000_000_000_000)) }, "phone: must be a number of at most 15 digits"},
		{"negative phone", func(in *domain.AddressInput) { in.Phone = new(int64(-1)) }, "phone: must be a number of at most 15 digits"},
		{"name at its limit", func(in *domain.AddressInput) { in.Name = strings.Repeat("n", domain.MaxNameLength) }, ""},
		{"name too long", func(in *domain.AddressInput) { in.Name = strings.Repeat("n", domain.MaxNameLength+1) }, "name: must be at most 100 characters"},
		{"lastName too long", func(in *domain.AddressInput) { in.LastName = strings.Repeat("n", domain.MaxNameLength+1) }, "lastName: must be at most 100 characters"},
		{"address line at its limit", func(in *domain.AddressInput) { in.Address1 = strings.Repeat("a", domain.MaxTextLength) }, ""},
		{"address line too long", func(in *domain.AddressInput) { in.Address2 = strings.Repeat("a", domain.MaxTextLength+1) }, "address_2: must be at most 200 characters"},
		{"instructions at their limit", func(in *domain.AddressInput) { in.Instructions = strings.Repeat("i", domain.MaxNoteLength) }, ""},
		{"instructions too long", func(in *domain.AddressInput) { in.Instructions = strings.Repeat("i", domain.MaxNoteLength+1) }, "instructions: must be at most 1000 characters"},
		{"company too long", func(in *domain.AddressInput) { in.Company = strings.Repeat("c", domain.MaxTextLength+1) }, "company: must be at most 200 characters"},
		{"NUL in city", func(in *domain.AddressInput) { in.City = "Spring\x00field" }, "city: must not contain control characters"},
		{"newline inside instructions", func(in *domain.AddressInput) { in.Instructions = "Ring\ntwice" }, "instructions: must not contain control characters"},
		{"invalid UTF-8 in post code", func(in *domain.AddressInput) { in.PostCode = "627\xff" }, "postCode: must be valid UTF-8"},
		{"non-ASCII text is fine", func(in *domain.AddressInput) { in.City = "Zürich"; in.Country = "ch" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validAddressInput()
			tt.change(&in)
			_, err := domain.NewAddress("a", in, "")
			if tt.want == "" {
				if err != nil {
					t.Fatalf("NewAddress error = %v", err)
				}
				return
			}
			wantProblems(t, err, tt.want)
		})
	}
}

func TestNewAddress_RejectsUnknownCountryWithItsOwnError(t *testing.T) {
	for _, country := range []string{"EU", "ZZ", "USA", "840", "U1"} {
		t.Run(country, func(t *testing.T) {
			in := validAddressInput()
			in.Country = country
			_, err := domain.NewAddress("a", in, "")
			var ce *domain.InvalidCountryError
			if !errors.As(err, &ce) || ce.Country != country {
				t.Fatalf("error = %v, want *InvalidCountryError for %q", err, country)
			}
			if errors.Is(err, domain.ErrValidation) {
				t.Error("an invalid country alone must not read as a validation_error")
			}
		})
	}
}

func TestNewAddress_FieldProblemsWinOverAnInvalidCountry(t *testing.T) {
	in := validAddressInput()
	in.Country = "EU"
	in.City = ""
	_, err := domain.NewAddress("a", in, "address.")
	wantProblems(t, err, "address.city: must not be empty")
}

func TestAddress_EqualComparesPhoneByValue(t *testing.T) {
	base, err := domain.NewAddress("a", validAddressInput(), "")
	if err != nil {
		t.Fatal(err)
	}
	with := func(change func(*domain.Address)) domain.Address {
		a := base
		change(&a)
		return a
	}
	tests := []struct {
		name string
		a, b domain.Address
		want bool
	}{
		{"same values", base, with(func(*domain.Address) {}), true},
		{"equal phones in different variables", with(func(a *domain.Address) { a.Phone = new(int64(42)) }), with(func(a *domain.Address) { a.Phone = new(int64(42)) }), true},
		{"different phones", with(func(a *domain.Address) { a.Phone = new(int64(42)) }), with(func(a *domain.Address) { a.Phone = new(int64(43)) }), false},
		{"a phone and none", with(func(a *domain.Address) { a.Phone = new(int64(42)) }), base, false},
		{"another city", base, with(func(a *domain.Address) { a.City = "Paris" }), false},
		{"another id", base, with(func(a *domain.Address) { a.ID = "b" }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.Equal(tt.b); got != tt.want {
				t.Errorf("Equal = %v, want %v", got, tt.want)
			}
			if got := tt.b.Equal(tt.a); got != tt.want {
				t.Errorf("Equal is not symmetric: %v", got)
			}
		})
	}
}

func TestCheckAddressInputs_ReportsWhatAddAddressesWould(t *testing.T) {
	badCity := validAddressInput()
	badCity.City = " "
	badCountry := validAddressInput()
	badCountry.Country = "UK"
	tooMany := make([]domain.AddressInput, domain.MaxAddresses+1)
	for i := range tooMany {
		tooMany[i] = validAddressInput()
	}
	tests := []struct {
		name         string
		inputs       []domain.AddressInput
		wantProblems []string
		wantErr      any // an errors.As target
	}{
		{name: "valid", inputs: []domain.AddressInput{validAddressInput(), validAddressInput()}},
		{name: "empty list", inputs: []domain.AddressInput{}, wantProblems: []string{"addresses: must hold at least one address"}},
		{name: "bad field named by its index", inputs: []domain.AddressInput{validAddressInput(), badCity},
			wantProblems: []string{"addresses[1].city: must not be empty"}},
		{name: "more than a customer may hold", inputs: tooMany,
			wantProblems: []string{"addresses: a customer has at most 50 addresses"}},
		{name: "thousands of empty addresses get one message", inputs: make([]domain.AddressInput, 10000),
			wantProblems: []string{"addresses: a customer has at most 50 addresses"}},
		{name: "invalid country alone", inputs: []domain.AddressInput{badCountry}, wantErr: new(*domain.InvalidCountryError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := domain.CheckAddressInputs(tt.inputs)
			switch {
			case tt.wantProblems != nil:
				wantProblems(t, err, tt.wantProblems...)
			case tt.wantErr != nil:
				if !errors.As(err, tt.wantErr) || errors.Is(err, domain.ErrValidation) {
					t.Errorf("error = %v, want %T alone", err, tt.wantErr)
				}
			case err != nil:
				t.Errorf("error = %v, want none", err)
			}
		})
	}
}
