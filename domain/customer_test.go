package domain_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/domain"
)

func TestNewCustomer_NormalisesInputAndStartsAtVersionZero(t *testing.T) {
	in := domain.NewCustomerInput{
		Email:     "  Ada@Example.COM ",
		Password:  password,
		FirstName: " Ada ",
		LastName:  " Lovelace",
		Tags:      []string{" VIP", "GOLD", "VIP "},
		Addresses: []domain.AddressInput{validAddressInput(), validAddressInput()},
	}
	c := newCustomer(t, in)
	s := c.Snapshot()

	if s.Email != "ada@example.com" || c.Email() != s.Email {
		t.Errorf("email = %q", s.Email)
	}
	if s.FirstName != "Ada" || s.LastName != "Lovelace" {
		t.Errorf("names = %q %q", s.FirstName, s.LastName)
	}
	if c.Status() != domain.StatusActive || s.Status != "ACTIVE" {
		t.Errorf("status = %v, want ACTIVE by default", c.Status())
	}
	if !slices.Equal(s.Tags, []string{"VIP", "GOLD"}) {
		t.Errorf("tags = %q", s.Tags)
	}
	if s.Version != 0 || c.Version() != 0 {
		t.Errorf("version = %d, want 0", s.Version)
	}
	if !s.CreatedAt.Equal(created) || !s.UpdatedAt.Equal(created) || !c.UpdatedAt().Equal(created) {
		t.Errorf("times = %v / %v, want both %v", s.CreatedAt, s.UpdatedAt, created)
	}
	if err := domain.CheckID("id", c.ID()); err != nil || s.ID != c.ID() {
		t.Errorf("id = %q: %v", c.ID(), err)
	}
	if len(c.Addresses()) != 2 {
		t.Fatalf("addresses = %d, want 2", len(c.Addresses()))
	}
	if a := c.Addresses(); a[0].ID == "" || a[0].ID == a[1].ID || a[0].Country != "US" {
		t.Errorf("addresses = %+v, want distinct fresh ids", a)
	}
	if s.PasswordHash == password || !c.PasswordHash().Matches(password) {
		t.Error("the password is not kept as its bcrypt hash")
	}
}

func TestNewCustomer_TakesTheGivenStatus(t *testing.T) {
	in := validCustomerInput()
	in.Status = new("INACTIVE")
	if got := newCustomer(t, in).Status(); got != domain.StatusInactive {
		t.Errorf("status = %v, want INACTIVE", got)
	}
}

func TestNewCustomer_GivesEachCustomerAFreshID(t *testing.T) {
	a := newCustomer(t, validCustomerInput())
	b := newCustomer(t, validCustomerInput())
	if a.ID() == b.ID() {
		t.Errorf("two customers share the id %q", a.ID())
	}
}

func TestNewCustomer_ReportsEveryFieldProblemAtOnce(t *testing.T) {
	in := domain.NewCustomerInput{
		Email:     "not an email", // hidden: field problems win
		Password:  "short",
		FirstName: " ",
		LastName:  "Love\x00lace",
		Status:    new("active"),
		Tags:      []string{"VIP", ""},
		Addresses: []domain.AddressInput{validAddressInput(), {Name: "Home", FirstName: "Ada", Address1: "x", PostCode: "1", State: "s", Country: "EU"}},
	}
	_, err := domain.NewCustomer(in, bcrypt.MinCost, created)
	wantProblems(t, err,
		"password: must be 8 to 72 bytes long",
		"firstName: must not be empty",
		"lastName: must not contain control characters",
		"status: must be ACTIVE or INACTIVE",
		"tags: each tag must not be empty",
		"addresses[1].city: must not be empty",
	)
}

func TestNewCustomer_AnInvalidEmailOrCountryAloneGetsItsOwnError(t *testing.T) {
	badCountry := validAddressInput()
	badCountry.Country = "ZZ"
	tests := []struct {
		name    string
		change  func(*domain.NewCustomerInput)
		wantErr any // an errors.As target
	}{
		{"invalid email", func(in *domain.NewCustomerInput) { in.Email = "ada@localhost" }, new(*domain.InvalidEmailError)},
		{"invalid country", func(in *domain.NewCustomerInput) { in.Addresses = []domain.AddressInput{badCountry} }, new(*domain.InvalidCountryError)},
		{"both: the email is checked first", func(in *domain.NewCustomerInput) {
			in.Email = "ada@localhost"
			in.Addresses = []domain.AddressInput{badCountry}
		}, new(*domain.InvalidEmailError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validCustomerInput()
			tt.change(&in)
			c, err := domain.NewCustomer(in, bcrypt.MinCost, created)
			if !errors.As(err, tt.wantErr) || errors.Is(err, domain.ErrValidation) || c != nil {
				t.Errorf("NewCustomer = %v, %v; want only %T", c, err, tt.wantErr)
			}
		})
	}
}

func TestNewCustomer_RefusesMoreThanMaxAddresses(t *testing.T) {
	in := validCustomerInput()
	in.Addresses = slices.Repeat([]domain.AddressInput{validAddressInput()}, domain.MaxAddresses)
	if got := len(newCustomer(t, in).Addresses()); got != domain.MaxAddresses {
		t.Fatalf("addresses = %d, want %d", got, domain.MaxAddresses)
	}
	in.Addresses = append(in.Addresses, validAddressInput())
	_, err := domain.NewCustomer(in, bcrypt.MinCost, created)
	wantProblems(t, err, "addresses: a customer has at most 50 addresses")
}

func TestNewCustomer_FailsWhenBcryptRefusesTheCost(t *testing.T) {
	if _, err := domain.NewCustomer(validCustomerInput(), bcrypt.MaxCost+1, created); err == nil {
		t.Error("NewCustomer accepted a cost above bcrypt.MaxCost")
	}
}

func TestCustomer_ApplyChangesAndBumpsVersionOnlyWhenAValueDiffers(t *testing.T) {
	tests := []struct {
		name        string
		changes     domain.CustomerChanges
		wantChanged bool
		check       func(t *testing.T, s domain.CustomerSnapshot)
	}{
		{name: "nothing present", changes: domain.CustomerChanges{}},
		{name: "same email in another case", changes: domain.CustomerChanges{Email: new(" ADA@example.com")}},
		{name: "same names with spaces", changes: domain.CustomerChanges{FirstName: new(" Ada "), LastName: new("Lovelace ")}},
		{name: "same status", changes: domain.CustomerChanges{Status: new("ACTIVE")}},
		{name: "same tags after normalising", changes: domain.CustomerChanges{Tags: &[]string{"VIP", " GOLD", "VIP"}}},
		{
			name: "new email", changes: domain.CustomerChanges{Email: new("Ada@Analytical.org")}, wantChanged: true,
			check: func(t *testing.T, s domain.CustomerSnapshot) {
				if s.Email != "ada@analytical.org" {
					t.Errorf("email = %q", s.Email)
				}
			},
		},
		{
			name: "new last name only", changes: domain.CustomerChanges{FirstName: new("Ada"), LastName: new("King")}, wantChanged: true,
			check: func(t *testing.T, s domain.CustomerSnapshot) {
				if s.FirstName != "Ada" || s.LastName != "King" || s.Email != "ada@example.com" {
					t.Errorf("customer = %+v", s)
				}
			},
		},
		{
			name: "deactivated", changes: domain.CustomerChanges{Status: new("INACTIVE")}, wantChanged: true,
			check: func(t *testing.T, s domain.CustomerSnapshot) {
				if s.Status != "INACTIVE" {
					t.Errorf("status = %q", s.Status)
				}
			},
		},
		{
			name: "tags reordered", changes: domain.CustomerChanges{Tags: &[]string{"GOLD", "VIP"}}, wantChanged: true,
			check: func(t *testing.T, s domain.CustomerSnapshot) {
				if !slices.Equal(s.Tags, []string{"GOLD", "VIP"}) {
					t.Errorf("tags = %q", s.Tags)
				}
			},
		},
		{
			name: "tags cleared", changes: domain.CustomerChanges{Tags: &[]string{}}, wantChanged: true,
			check: func(t *testing.T, s domain.CustomerSnapshot) {
				if len(s.Tags) != 0 {
					t.Errorf("tags = %q", s.Tags)
				}
			},
		},
		{
			name: "one tag added", changes: domain.CustomerChanges{Tags: &[]string{"VIP", "GOLD", "B2B"}}, wantChanged: true,
			check: func(t *testing.T, s domain.CustomerSnapshot) {
				if !slices.Equal(s.Tags, []string{"VIP", "GOLD", "B2B"}) {
					t.Errorf("tags = %q", s.Tags)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validCustomerInput()
			in.Tags = []string{"VIP", "GOLD"}
			c := newCustomer(t, in)
			before := c.Snapshot()
			patch, err := domain.NewCustomerPatch(tt.changes)
			if err != nil {
				t.Fatalf("NewCustomerPatch: %v", err)
			}

			changed := c.Apply(patch, later)

			if changed != tt.wantChanged {
				t.Fatalf("Apply = %v, want %v", changed, tt.wantChanged)
			}
			after := c.Snapshot()
			if !changed {
				if !reflect.DeepEqual(after, before) {
					t.Errorf("an unchanged customer was modified:\n%+v\nwas\n%+v", after, before)
				}
				return
			}
			if after.Version != before.Version+1 || !after.UpdatedAt.Equal(later) || !after.CreatedAt.Equal(created) {
				t.Errorf("version %d, updatedAt %v, createdAt %v after a change", after.Version, after.UpdatedAt, after.CreatedAt)
			}
			tt.check(t, after)
		})
	}
}

func TestCustomer_ApplyTreatsClearingAbsentTagsAsNoChange(t *testing.T) {
	s := newCustomer(t, validCustomerInput()).Snapshot()
	s.Tags = nil // as a document without tags loads
	c := domain.RestoreCustomer(s)
	patch, _ := domain.NewCustomerPatch(domain.CustomerChanges{Tags: &[]string{}})
	if c.Apply(patch, later) {
		t.Error("clearing tags that were never set reports a change")
	}
}

func TestCustomer_ApplyingTheSamePatchTwiceChangesOnce(t *testing.T) {
	c := newCustomer(t, validCustomerInput())
	patch, _ := domain.NewCustomerPatch(domain.CustomerChanges{FirstName: new("Augusta"), Tags: &[]string{"VIP"}})
	if !c.Apply(patch, later) {
		t.Fatal("first Apply reports no change")
	}
	if c.Apply(patch, later.Add(1)) {
		t.Error("second Apply reports a change")
	}
	if c.Version() != 1 || !c.UpdatedAt().Equal(later) {
		t.Errorf("version %d, updatedAt %v", c.Version(), c.UpdatedAt())
	}
}

func TestCustomer_CheckVersionIsCompareAndSet(t *testing.T) {
	s := newCustomer(t, validCustomerInput()).Snapshot()
	s.Version = 7
	c := domain.RestoreCustomer(s)
	tests := []struct {
		name     string
		expected *int64
		wantErr  bool
	}{
		{"caller does not care", nil, false},
		{"caller saw the current version", new(int64(7)), false},
		{"caller saw an older version", new(int64(6)), true},
		{"caller names a future version", new(int64(8)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.CheckVersion(tt.expected)
			if !tt.wantErr {
				if err != nil {
					t.Errorf("CheckVersion = %v", err)
				}
				return
			}
			var ve *domain.VersionConflictError
			if !errors.As(err, &ve) || ve.ID != c.ID() || ve.Expected != *tt.expected || ve.Actual != 7 {
				t.Errorf("CheckVersion = %#v", err)
			}
			if !errors.Is(err, domain.ErrVersionConflict) {
				t.Error("the conflict does not match ErrVersionConflict")
			}
		})
	}
}

func TestCustomer_AddAddressesAppendsWithFreshUniqueIDs(t *testing.T) {
	c := customerWithAddresses(t, 2)
	before := c.Addresses()

	added, err := c.AddAddresses([]domain.AddressInput{validAddressInput(), validAddressInput()}, later)
	if err != nil {
		t.Fatalf("AddAddresses: %v", err)
	}

	got := ids(c.Addresses())
	if len(got) != 4 || got[0] != "a0" || got[1] != "a1" {
		t.Fatalf("address ids = %q, want a0, a1 then two new ones", got)
	}
	if !slices.Equal(ids(added), got[2:]) {
		t.Errorf("returned ids %q, stored %q", ids(added), got[2:])
	}
	if slices.Contains(got[2:], "a0") || slices.Contains(got[2:], "a1") || got[2] == got[3] || got[2] == "" {
		t.Errorf("new ids %q are not fresh", got[2:])
	}
	if c.Version() != 1 || !c.UpdatedAt().Equal(later) {
		t.Errorf("version %d, updatedAt %v after adding", c.Version(), c.UpdatedAt())
	}
	if len(before) != 2 {
		t.Errorf("a slice handed out earlier changed: %+v", before)
	}
}

// Slices handed out are shared, so adding must not write into spare
// capacity of the stored slice.
func TestCustomer_AddAddressesDoesNotWriteIntoASliceHandedOutEarlier(t *testing.T) {
	s := newCustomer(t, validCustomerInput()).Snapshot()
	backing := make([]domain.Address, 1, 4)
	backing[0] = domain.Address{ID: "a0"}
	s.Addresses = backing
	c := domain.RestoreCustomer(s)
	if _, err := c.AddAddresses([]domain.AddressInput{validAddressInput()}, later); err != nil {
		t.Fatal(err)
	}
	if spare := backing[:2][1]; spare.ID != "" {
		t.Errorf("AddAddresses wrote %+v into the restored slice", spare)
	}
}

func TestCustomer_AddAddressesRefusesBadInputAndChangesNothing(t *testing.T) {
	badCity := validAddressInput()
	badCity.City = ""
	badCountry := validAddressInput()
	badCountry.Country = "USA"
	tests := []struct {
		name         string
		existing     int
		inputs       []domain.AddressInput
		wantProblems []string
		wantErr      any // an errors.As target
	}{
		{name: "empty list", existing: 1, inputs: nil, wantProblems: []string{"addresses: must hold at least one address"}},
		{name: "one bad among good", existing: 1, inputs: []domain.AddressInput{validAddressInput(), badCity},
			wantProblems: []string{"addresses[1].city: must not be empty"}},
		{name: "over the limit", existing: domain.MaxAddresses - 1, inputs: []domain.AddressInput{validAddressInput(), validAddressInput()},
			wantProblems: []string{"addresses: a customer has at most 50 addresses"}},
		{name: "invalid country", existing: 0, inputs: []domain.AddressInput{badCountry}, wantErr: new(*domain.InvalidCountryError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := customerWithAddresses(t, tt.existing)
			before := c.Snapshot()
			added, err := c.AddAddresses(tt.inputs, later)
			if tt.wantProblems != nil {
				wantProblems(t, err, tt.wantProblems...)
			} else if !errors.As(err, tt.wantErr) || errors.Is(err, domain.ErrValidation) {
				t.Errorf("AddAddresses error = %v, want %T", err, tt.wantErr)
			}
			if added != nil || !reflect.DeepEqual(c.Snapshot(), before) {
				t.Error("a refused AddAddresses changed the customer")
			}
		})
	}
}

func TestCustomer_AddAddressesFillsUpToTheLimit(t *testing.T) {
	c := customerWithAddresses(t, domain.MaxAddresses-1)
	if _, err := c.AddAddresses([]domain.AddressInput{validAddressInput()}, later); err != nil {
		t.Fatalf("adding the last allowed address: %v", err)
	}
	if len(c.Addresses()) != domain.MaxAddresses {
		t.Errorf("addresses = %d", len(c.Addresses()))
	}
}

func TestCustomer_AddressFindsByID(t *testing.T) {
	c := customerWithAddresses(t, 3)
	a, err := c.Address("a1")
	if err != nil || a.ID != "a1" {
		t.Errorf("Address(a1) = %+v, %v", a, err)
	}
	_, err = c.Address("nope")
	wantAddressNotFound(t, c, err, "nope")
}

func TestCustomer_ReplaceAddressKeepsItsIDAndPosition(t *testing.T) {
	c := customerWithAddresses(t, 3)
	before := c.Addresses()
	in := validAddressInput()
	in.City = " Shelbyville "

	got, err := c.ReplaceAddress("a1", in, later)
	if err != nil {
		t.Fatalf("ReplaceAddress: %v", err)
	}

	if got.ID != "a1" || got.City != "Shelbyville" {
		t.Errorf("returned %+v", got)
	}
	after := c.Addresses()
	if !slices.Equal(ids(after), []string{"a0", "a1", "a2"}) || !reflect.DeepEqual(after[1], got) {
		t.Errorf("addresses = %+v", after)
	}
	if before[1].City != "Springfield" {
		t.Error("a slice handed out earlier was changed in place")
	}
	if c.Version() != 1 || !c.UpdatedAt().Equal(later) {
		t.Errorf("version %d, updatedAt %v", c.Version(), c.UpdatedAt())
	}
}

func TestCustomer_ReplaceAddressWithAnEqualOneChangesNothing(t *testing.T) {
	c := customerWithAddresses(t, 2)
	before := c.Snapshot()
	in := validAddressInput()
	in.City = " " + in.City + " " // the same once normalised

	got, err := c.ReplaceAddress("a1", in, later)
	if err != nil {
		t.Fatalf("ReplaceAddress: %v", err)
	}
	if got.ID != "a1" || !got.Equal(before.Addresses[1]) {
		t.Errorf("returned %+v, want the address as it is", got)
	}
	if !reflect.DeepEqual(c.Snapshot(), before) {
		t.Errorf("customer changed to %+v, want version %d and updatedAt kept", c.Snapshot(), before.Version)
	}
}

func TestCustomer_ReplaceAddressRefusesUnknownIDOrBadInput(t *testing.T) {
	badCity := validAddressInput()
	badCity.City = "\x00"
	badCountry := validAddressInput()
	badCountry.Country = "EU"
	tests := []struct {
		name  string
		id    string
		in    domain.AddressInput
		check func(t *testing.T, c *domain.Customer, err error)
	}{
		{"unknown id", "nope", validAddressInput(), func(t *testing.T, c *domain.Customer, err error) {
			wantAddressNotFound(t, c, err, "nope")
		}},
		{"bad field", "a0", badCity, func(t *testing.T, _ *domain.Customer, err error) {
			wantProblems(t, err, "address.city: must not contain control characters")
		}},
		{"bad country", "a0", badCountry, func(t *testing.T, _ *domain.Customer, err error) {
			if !errors.As(err, new(*domain.InvalidCountryError)) {
				t.Errorf("error = %v, want an InvalidCountryError", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := customerWithAddresses(t, 2)
			before := c.Snapshot()
			_, err := c.ReplaceAddress(tt.id, tt.in, later)
			tt.check(t, c, err)
			if !reflect.DeepEqual(c.Snapshot(), before) {
				t.Error("a refused ReplaceAddress changed the customer")
			}
		})
	}
}

func TestCustomer_RemoveAddressDeletesOnlyThatAddress(t *testing.T) {
	c := customerWithAddresses(t, 3)
	before := c.Addresses()
	if err := c.RemoveAddress("a1", later); err != nil {
		t.Fatalf("RemoveAddress: %v", err)
	}
	if got := ids(c.Addresses()); !slices.Equal(got, []string{"a0", "a2"}) {
		t.Errorf("address ids = %q", got)
	}
	if !slices.Equal(ids(before), []string{"a0", "a1", "a2"}) {
		t.Errorf("a slice handed out earlier changed: %q", ids(before))
	}
	if c.Version() != 1 || !c.UpdatedAt().Equal(later) {
		t.Errorf("version %d, updatedAt %v", c.Version(), c.UpdatedAt())
	}

	snap := c.Snapshot()
	err := c.RemoveAddress("a1", later.Add(1))
	wantAddressNotFound(t, c, err, "a1")
	if !reflect.DeepEqual(c.Snapshot(), snap) {
		t.Error("removing an unknown address changed the customer")
	}
}

func TestCustomer_AuthenticateFailsAlikeForWrongPasswordAndInactiveCustomer(t *testing.T) {
	tests := []struct {
		name     string
		status   string
		password string
		wantErr  error
	}{
		{"active, right password", "ACTIVE", password, nil},
		{"active, wrong password", "ACTIVE", "wrong horse", domain.ErrBadCredentials},
		{"active, empty password", "ACTIVE", "", domain.ErrBadCredentials},
		{"inactive, right password", "INACTIVE", password, domain.ErrBadCredentials},
		{"inactive, wrong password", "INACTIVE", "wrong horse", domain.ErrBadCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validCustomerInput()
			in.Status = new(tt.status)
			c := newCustomer(t, in)
			if err := c.Authenticate(tt.password); err != tt.wantErr {
				t.Errorf("Authenticate = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestCustomer_SetPasswordIsAChangeAndTheOldPasswordStopsMatching(t *testing.T) {
	c := newCustomer(t, validCustomerInput())
	before := c.Snapshot()
	h, err := domain.HashPassword("a new s3cret", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	later := before.UpdatedAt.Add(time.Minute)
	c.SetPassword(h, later)
	if c.Authenticate(password) == nil || c.Authenticate("a new s3cret") != nil {
		t.Fatal("the old password still matches, or the new one does not")
	}
	if got := c.Snapshot(); got.Version != before.Version+1 || !got.UpdatedAt.Equal(later) {
		t.Fatalf("version %d, updatedAt %s; want %d and %s", got.Version, got.UpdatedAt, before.Version+1, later)
	}
}

func TestRestoreCustomer_LoadsStoredDataAsIsWithoutValidating(t *testing.T) {
	stored := domain.CustomerSnapshot{
		ID:           "HkhhuXESl",
		Email:        "Legacy@Example", // today's rules would refuse it
		PasswordHash: "$2a$10$legacy",
		FirstName:    "",
		LastName:     "  Lovelace  ",
		Status:       "INACTIVE",
		Tags:         []string{"VIP", "VIP"},
		Addresses:    []domain.Address{{ID: "a", AddressInput: domain.AddressInput{Country: "UK"}}},
		Version:      12,
		CreatedAt:    created,
		UpdatedAt:    later,
	}
	c := domain.RestoreCustomer(stored)
	if got := c.Snapshot(); !reflect.DeepEqual(got, stored) {
		t.Errorf("Snapshot() =\n%+v\nwant\n%+v", got, stored)
	}
	if c.ID() != "HkhhuXESl" || c.Email() != "Legacy@Example" || c.Version() != 12 || c.Status() != domain.StatusInactive {
		t.Errorf("accessors disagree with the snapshot: %q %q %d %v", c.ID(), c.Email(), c.Version(), c.Status())
	}
}

func TestRestoreCustomer_ReadsAnyStatusButInactiveAsActive(t *testing.T) {
	for stored, want := range map[string]domain.Status{
		"INACTIVE": domain.StatusInactive,
		"ACTIVE":   domain.StatusActive,
		"":         domain.StatusActive,
		"inactive": domain.StatusActive,
		"DELETED":  domain.StatusActive,
	} {
		t.Run(stored, func(t *testing.T) {
			if got := domain.RestoreCustomer(domain.CustomerSnapshot{Status: stored}).Status(); got != want {
				t.Errorf("status %q reads as %v, want %v", stored, got, want)
			}
		})
	}
}

func wantAddressNotFound(t *testing.T, c *domain.Customer, err error, addressID string) {
	t.Helper()
	var nf *domain.AddressNotFoundError
	if !errors.As(err, &nf) || nf.CustomerID != c.ID() || nf.AddressID != addressID {
		t.Errorf("error = %#v, want AddressNotFoundError{%q, %q}", err, c.ID(), addressID)
	}
	if !errors.Is(err, domain.ErrAddressNotFound) {
		t.Errorf("errors.Is(%v, ErrAddressNotFound) = false", err)
	}
}
