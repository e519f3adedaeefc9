package migration_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

func useCases(t *testing.T, repo application.CustomerRepository) application.Application {
	t.Helper()
	app, err := application.New(repo, application.SystemClock{}, application.Settings{BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// shop is what seed made: the customers that stay, the ones removed
// (whose REMOVE waits), and every customer's email and password.
type shop struct {
	live, removed []string
	email         map[string]string
}

func password(i int) string { return fmt.Sprintf("password-%04d", i) }

// seed makes n customers through the use cases, as callers of the
// service would: each with an address and a tag, then updated; every
// third one gets a second address, every fifth one loses its first, and
// every seventh is removed.
func seed(t *testing.T, repo application.CustomerRepository, n int) shop {
	t.Helper()
	app := useCases(t, repo)
	s := shop{email: map[string]string{}}
	for i := range n {
		email := fmt.Sprintf("customer%04d@example.com", i)
		c, err := app.CreateCustomer.Handle(ctx(t), application.CreateCustomerCommand{Customer: domain.NewCustomerInput{
			Email: email, Password: password(i), FirstName: "Ada", LastName: fmt.Sprintf("Lovelace %d", i),
			Tags: []string{"tag" + fmt.Sprint(i%4)},
			Addresses: []domain.AddressInput{{Name: "Home", FirstName: "Ada", Address1: "1 Main Street", PostCode: "61701",
				City: "Bloomington", State: "Illinois", Country: "US", Phone: new(int64(2173203531 + i))}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		id := c.ID()
		s.email[id] = email
		if _, err := app.UpdateCustomer.Handle(ctx(t), application.UpdateCustomerCommand{ID: id,
			Changes: domain.CustomerChanges{FirstName: new("Augusta"), Tags: new([]string{"VIP", "tag" + fmt.Sprint(i%4)})}}); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			if _, err := app.AddAddresses.Handle(ctx(t), application.AddAddressesCommand{CustomerID: id, Addresses: []domain.AddressInput{{
				Name: "Work", FirstName: "Ada", Address1: "2 Work Street", Address2: "Floor 3", PostCode: "10115",
				City: "Berlin", State: "Berlin", Country: "DE", Company: "Analytical Engines", Instructions: "ring twice"}}}); err != nil {
				t.Fatal(err)
			}
		}
		if i%5 == 0 {
			first := c.Addresses()[0].ID
			if _, err := app.RemoveAddress.Handle(ctx(t), application.RemoveAddressCommand{CustomerID: id, AddressID: first}); err != nil {
				t.Fatal(err)
			}
		}
		if i%7 == 6 {
			if err := app.RemoveCustomer.Handle(ctx(t), application.RemoveCustomerCommand{ID: id}); err != nil {
				t.Fatal(err)
			}
			s.removed = append(s.removed, id)
			continue
		}
		s.live = append(s.live, id)
	}
	return s
}

// answers are what the service answers about each customer of the shop:
// customer.info's customer as JSON (or not found), and whether
// customer.checkCredentials takes its password and refuses another.
func answers(t *testing.T, repo application.CustomerRepository, s shop) map[string]string {
	t.Helper()
	app := useCases(t, repo)
	out := map[string]string{}
	i := 0
	for _, ids := range [][]string{s.live, s.removed} {
		for _, id := range ids {
			var answer string
			c, err := app.GetCustomer.Handle(ctx(t), application.GetCustomerQuery{ID: id})
			switch {
			case errors.As(err, new(*domain.CustomerNotFoundError)):
				answer = "customer_not_found"
			case err != nil:
				t.Fatal(err)
			default:
				b, err := json.Marshal(jsonview.FromCustomer(c))
				if err != nil {
					t.Fatal(err)
				}
				answer = string(b)
			}
			for _, pw := range []string{passwordOf(s, id), "not-the-password"} {
				err := app.CheckCredentials.Handle(ctx(t), application.Credentials{Email: s.email[id], Password: pw})
				answer += fmt.Sprintf(" | %v", err)
			}
			out[id] = answer
			i++
		}
	}
	return out
}

// passwordOf finds the password seed gave the customer, by its email.
func passwordOf(s shop, id string) string {
	var i int
	_, _ = fmt.Sscanf(s.email[id], "customer%04d@example.com", &i)
	return password(i)
}

type quiet struct{}

func (quiet) Phase(string, int64) {}
func (quiet) Advanced(int64)      {}

// migrate runs a migration to its end and returns its report.
func migrate(t *testing.T, src application.MigrationSource, dst application.MigrationTarget, source string) application.MigrationReport {
	t.Helper()
	return migrateObserved(t, src, dst, source, quiet{})
}

func migrateObserved(t *testing.T, src application.MigrationSource, dst application.MigrationTarget, source string, o application.MigrationObserver) application.MigrationReport {
	t.Helper()
	report, err := application.NewMigration(src, dst, source, o, application.SystemClock{}, 50).Run(ctx(t))
	if err != nil {
		t.Fatalf("migration: %v", err)
	}
	return report
}

// mustBeEqual fails unless the verification found nothing different.
func mustBeEqual(t *testing.T, r application.MigrationReport) {
	t.Helper()
	if r.Differences.Count > 0 || r.LeftAlone.Count > 0 {
		t.Fatalf("the target differs: %d differences %v; %d left alone %v", r.Differences.Count, r.Differences.Shown, r.LeftAlone.Count, r.LeftAlone.Shown)
	}
}

// bus is a publisher double that confirms every event and keeps them.
type bus struct {
	mu        sync.Mutex
	delivered []application.Event
}

func (b *bus) Publish(_ context.Context, e application.Event) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.delivered = append(b.delivered, e)
	return nil
}

func (b *bus) events() []application.Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.delivered)
}

type relayQuiet struct{}

func (relayQuiet) Published(application.Event)            {}
func (relayQuiet) PublishFailed(application.Event, error) {}
func (relayQuiet) OutboxFailed(error)                     {}
func (relayQuiet) Backlog(int64)                          {}

// relayAll runs the service's relay on outbox until nothing waits, and
// returns what it published.
func relayAll(t *testing.T, outbox application.Outbox) []application.Event {
	t.Helper()
	pub := &bus{}
	c, cancel := context.WithCancel(ctx(t))
	done := make(chan struct{})
	relay, err := application.NewRelay(outbox, pub, application.SystemClock{},
		application.RelayConfig{Owner: "test", Lease: 30 * time.Second, PollInterval: time.Millisecond, MaxBackoff: 5 * time.Millisecond}, relayQuiet{})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(done)
		relay.Run(c)
	}()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		n, err := outbox.Backlog(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up: %d customers still have events waiting", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	return pub.events()
}

// waiting is every event the store holds for the broker, by customer.
func waiting(t *testing.T, s application.MigrationSource) map[string][]application.StoredEvent {
	t.Helper()
	out := map[string][]application.StoredEvent{}
	if err := s.EachStored(ctx(t), func(c application.StoredCustomer) error {
		if len(c.Events) > 0 {
			out[c.Customer.ID()] = c.Events
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}
