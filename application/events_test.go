package application_test

import (
	"context"
	"strings"
	"testing"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// Every use case that writes records one event, with the arguments it
// applied, in the same step as the write; none ever holds a password.
func TestEveryWriteRecordsItsEvent(t *testing.T) {
	repo, clock, c := seed(t)
	ctx := context.Background()
	id := c.ID()
	if _, err := application.NewUpdateCustomer(repo, clock).Handle(ctx, application.UpdateCustomerCommand{
		ID: id, Changes: domain.CustomerChanges{LastName: new("Smith"), Tags: &[]string{}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := application.NewUpdateCustomer(repo, clock).Handle(ctx, application.UpdateCustomerCommand{
		ID: id, Changes: domain.CustomerChanges{LastName: new("Smith")},
	}); err != nil {
		t.Fatal(err)
	}
	home := domain.AddressInput{Name: "Home", FirstName: "John", Address1: "1 Main St", PostCode: "1000",
		City: "Brussels", State: "Brussels", Country: "BE"}
	withAddress, err := application.NewAddAddresses(repo, clock).Handle(ctx, application.AddAddressesCommand{CustomerID: id, Addresses: []domain.AddressInput{home}})
	if err != nil {
		t.Fatal(err)
	}
	addressID := withAddress.Addresses()[0].ID
	home.City = "Ghent"
	if _, err := application.NewUpdateAddress(repo, clock).Handle(ctx, application.UpdateAddressCommand{CustomerID: id, AddressID: &addressID, Address: home}); err != nil {
		t.Fatal(err)
	}
	if _, err := application.NewRemoveAddress(repo, clock).Handle(ctx, application.RemoveAddressCommand{CustomerID: id, AddressID: addressID}); err != nil {
		t.Fatal(err)
	}
	if err := application.NewRemoveCustomer(repo, clock).Handle(ctx, application.RemoveCustomerCommand{ID: id}); err != nil {
		t.Fatal(err)
	}

	events, err := repo.Pending(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		typ  application.EventType
		args string
	}{
		{application.EventCreated, `{"email":"john.doe@gmail.com","firstName":"John","lastName":"Doe","status":"ACTIVE","tags":["VIP"],"addresses":[]}`},
		{application.EventUpdated, `{"id":"` + id + `","lastName":"Smith","tags":[]}`},
		{application.EventAddressCreated, `{"customerId":"` + id + `","addresses":[{"name":"Home","firstName":"John","address_1":"1 Main St","postCode":"1000","city":"Brussels","state":"Brussels","country":"BE","id":"` + addressID + `"}]}`},
		{application.EventAddressUpdated, `{"customerId":"` + id + `","address":{"name":"Home","firstName":"John","address_1":"1 Main St","postCode":"1000","city":"Ghent","state":"Brussels","country":"BE","id":"` + addressID + `"}}`},
		{application.EventAddressRemoved, `{"customerId":"` + id + `","addressId":"` + addressID + `"}`},
		{application.EventRemoved, `{"id":"` + id + `"}`},
	}
	if len(events) != len(want) {
		t.Fatalf("%d events, want %d (the update that changed nothing records none)", len(events), len(want))
	}
	for i, e := range events {
		args := string(e.Args)
		if e.Type != want[i].typ || string(args) != want[i].args || e.Version != int64(i) {
			t.Errorf("event %d = %s v%d %s\nwant %s v%d %s", i, e.Type, e.Version, args, want[i].typ, i, want[i].args)
		}
		if strings.Contains(strings.ToLower(args), "password") {
			t.Errorf("event %d carries a password: %s", i, args)
		}
	}
}
