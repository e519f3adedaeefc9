package migration_test

import (
	"fmt"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// generatedPassword is every generated customer's password.
const generatedPassword = "generated-password"

// seedGenerated puts n customers as a store of a running shop holds them
// into target, fast: each with two addresses and two tags at version 3,
// one in ten with its last write's event still waiting for the broker.
// It writes through the migration's own put, in batches, so that seeding
// a hundred thousand takes seconds rather than the hours of n bcrypt
// hashes and writes through the use cases.
func seedGenerated(t testing.TB, target application.MigrationTarget, n int) {
	t.Helper()
	hash, err := domain.HashPassword(generatedPassword, bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	batch := make([]application.MigrationPut, 0, 256)
	flush := func() {
		errs, err := target.PutStored(ctx(t), "generated", batch)
		if err != nil {
			t.Fatal(err)
		}
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		batch = batch[:0]
	}
	for i := range n {
		created := at.Add(time.Duration(i) * time.Millisecond)
		c := domain.RestoreCustomer(domain.CustomerSnapshot{
			ID: domain.NewID(), Email: fmt.Sprintf("generated%07d@example.com", i), PasswordHash: hash,
			FirstName: "Ada", LastName: fmt.Sprintf("Lovelace %d", i), Status: "ACTIVE",
			Tags: []string{"tag" + fmt.Sprint(i%10), "VIP"},
			Addresses: []domain.Address{
				{ID: domain.NewID(), AddressInput: domain.AddressInput{Name: "Home", FirstName: "Ada", Address1: "1650 Bolman Court", PostCode: "61701",
					City: "Bloomington", State: "Illinois", Country: "US", Phone: new(int64(2173203531))}},
				{ID: domain.NewID(), AddressInput: domain.AddressInput{Name: "Work", FirstName: "Ada", LastName: "Lovelace", Address1: "2 Work Street", Address2: "Floor 3",
					PostCode: "10115", City: "Berlin", State: "Berlin", Country: "DE", Company: "Analytical Engines"}},
			},
			Version: 3, CreatedAt: created, UpdatedAt: created.Add(time.Hour),
		})
		s := application.StoredCustomer{Customer: c}
		if i%10 == 0 {
			s.Events = []application.StoredEvent{{ID: domain.NewID(), Type: application.EventUpdated, At: created.Add(time.Hour),
				Args: []byte(fmt.Sprintf(`{"id":%q,"lastName":"Lovelace %d"}`, c.ID(), i))}}
		}
		batch = append(batch, application.MigrationPut{Stored: s})
		if len(batch) == cap(batch) {
			flush()
		}
	}
	if len(batch) > 0 {
		flush()
	}
}
