package application_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

func storedCustomer(change func(*domain.CustomerSnapshot), events ...string) application.StoredCustomer {
	at := time.Date(2026, 3, 4, 5, 6, 7, 8e6, time.UTC)
	s := domain.CustomerSnapshot{
		ID: "c1", Email: "ada@example.com", PasswordHash: "$2a$04$hash", FirstName: "Ada", LastName: "Lovelace",
		Status: "ACTIVE", Tags: []string{"VIP"}, Version: 3, CreatedAt: at, UpdatedAt: at.Add(time.Hour),
		Addresses: []domain.Address{{ID: "a1", AddressInput: domain.AddressInput{Name: "Home", City: "London", Phone: new(int64(2173203531))}}},
	}
	if change != nil {
		change(&s)
	}
	c := application.StoredCustomer{Customer: domain.RestoreCustomer(s)}
	for _, id := range events {
		c.Events = append(c.Events, application.StoredEvent{ID: id, Type: application.EventUpdated, At: at, Args: []byte(`{"id":"c1"}`)})
	}
	return c
}

func TestStoredCustomerDifferencesNameEachStoredFieldThatDiffers(t *testing.T) {
	source := storedCustomer(nil, "e1", "e2")
	tests := []struct {
		name           string
		source, target application.StoredCustomer
		want           []string
	}{
		{"the same", source, storedCustomer(nil, "e1", "e2"), nil},
		{"no tags, stored as null or as an empty list",
			storedCustomer(func(s *domain.CustomerSnapshot) { s.Tags = nil }),
			storedCustomer(func(s *domain.CustomerSnapshot) { s.Tags = []string{} }), nil},
		{"another version", source, storedCustomer(func(s *domain.CustomerSnapshot) { s.Version = 2 }, "e1", "e2"), []string{"version (3, 2)"}},
		{"another hash", source, storedCustomer(func(s *domain.CustomerSnapshot) { s.PasswordHash = "$2a$10$other" }, "e1", "e2"), []string{"password hash"}},
		{"another email and name", source, storedCustomer(func(s *domain.CustomerSnapshot) { s.Email, s.LastName = "x@example.com", "Byron" }, "e1", "e2"),
			[]string{"email", "lastName"}},
		{"other tags", source, storedCustomer(func(s *domain.CustomerSnapshot) { s.Tags = []string{"VIP", "new"} }, "e1", "e2"), []string{"tags"}},
		{"an address's phone", source, storedCustomer(func(s *domain.CustomerSnapshot) {
			s.Addresses = []domain.Address{{ID: "a1", AddressInput: domain.AddressInput{Name: "Home", City: "London", Phone: new(int64(1))}}}
		}, "e1", "e2"), []string{"addresses"}},
		{"an address's id", source, storedCustomer(func(s *domain.CustomerSnapshot) {
			s.Addresses = []domain.Address{{ID: "a2", AddressInput: domain.AddressInput{Name: "Home", City: "London", Phone: new(int64(2173203531))}}}
		}, "e1", "e2"), []string{"addresses"}},
		{"the times", source, storedCustomer(func(s *domain.CustomerSnapshot) { s.CreatedAt, s.UpdatedAt = s.UpdatedAt, s.CreatedAt }, "e1", "e2"),
			[]string{"createdAt", "updatedAt"}},
		{"the target published the oldest event", source, storedCustomer(nil, "e2"), nil},
		{"the target published them all", source, storedCustomer(nil), nil},
		{"the target holds an event the source published", source, storedCustomer(nil, "e0", "e1", "e2"), []string{"waiting events"}},
		{"the target holds other events", source, storedCustomer(nil, "e1", "e3"), []string{"waiting events"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.source.Differences(tt.target); !slices.Equal(got, tt.want) {
				t.Errorf("Differences = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStoredCustomerDifferencesTellARemovedCustomer(t *testing.T) {
	live, removed := storedCustomer(nil, "e1"), storedCustomer(nil, "e1")
	removed.Removed = true
	if got := live.Differences(removed); !slices.Equal(got, []string{"removed"}) {
		t.Errorf("Differences = %q, want removed", got)
	}
}

func TestStoredCustomerDifferencesShowNoStoredValue(t *testing.T) {
	other := storedCustomer(func(s *domain.CustomerSnapshot) {
		s.Email, s.PasswordHash, s.FirstName, s.LastName = "grace@example.com", "$2a$10$secret", "Grace", "Hopper"
	})
	for _, d := range storedCustomer(nil).Differences(other) {
		for _, value := range []string{"ada@", "grace@", "$2a$", "Ada", "Grace", "Lovelace", "Hopper"} {
			if strings.Contains(d, value) {
				t.Errorf("difference %q shows %q", d, value)
			}
		}
	}
}

func TestStoredCustomerIsFromASourceUntilWrittenSince(t *testing.T) {
	c := storedCustomer(nil)
	c.Received = application.Receipt{Source: "sqlite:/data/customers.db", Version: 3}
	if !c.From("sqlite:/data/customers.db") {
		t.Error("a copy at the version received is not from its source")
	}
	if c.From("mongodb://db1/customer") {
		t.Error("a copy is from a source it never came from")
	}
	c.Received.Version = 2
	if c.From("sqlite:/data/customers.db") {
		t.Error("a copy written since it was received is still from its source")
	}
}
