package jsonview_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/domain"
)

func TestCustomerRendersTheMicroBaseShapeWithoutThePassword(t *testing.T) {
	phone := int64(2173203531)
	at := time.Date(2026, 5, 1, 10, 11, 12, 0, time.FixedZone("CEST", 2*3600))
	c := domain.RestoreCustomer(domain.CustomerSnapshot{
		ID: "HkhhuXESl", Email: "john.doe@gmail.com", PasswordHash: "$2a$10$secret-hash",
		FirstName: "John", LastName: "Doe", Status: "ACTIVE",
		Addresses: []domain.Address{{ID: "r1h2uQ4rx", Name: "Work", FirstName: "John", Address1: "1650 Bolman Court",
			PostCode: "61701", City: "Bloomington", State: "Illinois", Country: "US", Phone: &phone}},
		Version: 3, CreatedAt: at, UpdatedAt: at.Add(1500 * time.Microsecond),
	})
	b, err := json.Marshal(jsonview.FromCustomer(c))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"email":"john.doe@gmail.com","firstName":"John","lastName":"Doe","status":"ACTIVE","tags":[],` +
		`"addresses":[{"name":"Work","firstName":"John","address_1":"1650 Bolman Court","postCode":"61701",` +
		`"city":"Bloomington","state":"Illinois","country":"US","phone":2173203531,"id":"r1h2uQ4rx"}],` +
		`"id":"HkhhuXESl","version":3,"createdAt":"2026-05-01T08:11:12.000Z","updatedAt":"2026-05-01T08:11:12.001Z"}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	if strings.Contains(string(b), "secret-hash") {
		t.Fatal("the password hash leaked")
	}
}

func TestCustomerWithoutTimestampsLeavesThemOut(t *testing.T) {
	b, _ := json.Marshal(jsonview.FromCustomer(domain.RestoreCustomer(domain.CustomerSnapshot{ID: "x"})))
	if strings.Contains(string(b), "createdAt") || strings.Contains(string(b), "updatedAt") {
		t.Fatalf("got %s, want no timestamps for a document that has none", b)
	}
}
