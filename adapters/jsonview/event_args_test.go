package jsonview_test

import (
	"strings"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// Each event's arguments have the members MicroBase consumers read in the
// data of its message; an optional field not given, and a field the write
// left alone, are absent; the password and its hash never appear.
func TestEventArgumentsRenderWhatConsumersRead(t *testing.T) {
	phone := int64(2173203531)
	home := domain.Address{ID: "a1", AddressInput: domain.AddressInput{Name: "Home", FirstName: "Ada", Address1: "1 Main St",
		PostCode: "1000", City: "Brussels", State: "Brussels", Country: "BE", Phone: &phone}}
	c := domain.RestoreCustomer(domain.CustomerSnapshot{
		ID: "c1", Email: "ada@example.com", PasswordHash: "$2a$10$secret-hash", FirstName: "Ada", LastName: "Lovelace",
		Status: "ACTIVE", Addresses: []domain.Address{home}, Version: 0, CreatedAt: time.Now(), UpdatedAt: time.Now(),
	})
	patch, err := domain.NewCustomerPatch(domain.CustomerChanges{LastName: new("King"), Status: new("INACTIVE"), Tags: &[]string{}})
	if err != nil {
		t.Fatal(err)
	}
	addressJSON := `{"name":"Home","firstName":"Ada","address_1":"1 Main St","postCode":"1000","city":"Brussels",` +
		`"state":"Brussels","country":"BE","phone":2173203531,"id":"a1"}`
	tests := []struct {
		args application.EventArgs
		want string
	}{
		{application.CustomerCreated{Customer: c},
			`{"email":"ada@example.com","firstName":"Ada","lastName":"Lovelace","status":"ACTIVE","tags":[],"addresses":[` + addressJSON + `]}`},
		{application.CustomerUpdated{ID: "c1", Patch: patch}, `{"id":"c1","lastName":"King","status":"INACTIVE","tags":[]}`},
		{application.CustomerRemoved{ID: "c1"}, `{"id":"c1"}`},
		{application.AddressesAdded{CustomerID: "c1", Addresses: []domain.Address{home}}, `{"customerId":"c1","addresses":[` + addressJSON + `]}`},
		{application.AddressReplaced{CustomerID: "c1", Address: home}, `{"customerId":"c1","address":` + addressJSON + `}`},
		{application.AddressRemoved{CustomerID: "c1", AddressID: "a1"}, `{"customerId":"c1","addressId":"a1"}`},
	}
	for _, tt := range tests {
		t.Run(string(tt.args.Type()), func(t *testing.T) {
			got, err := jsonview.EventArgs(tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if strings.Contains(string(got), "password") || strings.Contains(string(got), "secret-hash") {
				t.Errorf("the arguments hold the password: %s", got)
			}
		})
	}
}

func TestEventArgumentsWithoutARenderingAreRefused(t *testing.T) {
	if got, err := jsonview.EventArgs(nil); err == nil {
		t.Fatalf("rendered no arguments as %s", got)
	}
}
