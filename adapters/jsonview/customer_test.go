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
		Addresses: []domain.Address{{ID: "r1h2uQ4rx", AddressInput: domain.AddressInput{Name: "Work", FirstName: "John",
			Address1: "1650 Bolman Court", PostCode: "61701", City: "Bloomington", State: "Illinois", Country: "US", Phone: &phone}}},
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

// A store that keeps answers gets back, byte for byte, the answer it kept:
// every field of every address included.
func TestARenderedCustomerReadsBackAsTheAnswerItWas(t *testing.T) {
	phone := int64(2173203531)
	at := time.Date(2026, 5, 1, 10, 11, 12, 345_000_000, time.UTC)
	full := domain.AddressInput{Name: "Home", FirstName: "Ada", LastName: "Lovelace", Address1: "1 Main St",
		Address2: "Flat 2", PostCode: "1000", City: "Brussels", State: "Brussels", Country: "BE",
		Company: "Engines", Phone: &phone, Instructions: "Ring twice"}
	c := domain.RestoreCustomer(domain.CustomerSnapshot{
		ID: "HkhhuXESl", Email: "ada@example.com", PasswordHash: "$2a$10$secret-hash",
		FirstName: "Ada", LastName: "Lovelace", Status: "INACTIVE", Tags: []string{"VIP"},
		Addresses: []domain.Address{{ID: "a1", AddressInput: full}, {ID: "a2", AddressInput: domain.AddressInput{Name: "Work"}}},
		Version:   7, CreatedAt: at, UpdatedAt: at.Add(time.Hour),
	})
	first, err := json.Marshal(jsonview.FromCustomer(c))
	if err != nil {
		t.Fatal(err)
	}
	var kept jsonview.Customer
	if err := json.Unmarshal(first, &kept); err != nil {
		t.Fatal(err)
	}
	read := kept.ToDomain()
	again, err := json.Marshal(jsonview.FromCustomer(read))
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(first) {
		t.Fatalf("read back\n got %s\nwant %s", again, first)
	}
	if got := read.Snapshot().Addresses[0]; !got.Equal(c.Snapshot().Addresses[0]) {
		t.Errorf("address read back as %+v", got)
	}
	if read.PasswordHash() != "" {
		t.Error("a customer read from its answer has a password hash")
	}
}
