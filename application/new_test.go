package application_test

import (
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/test/support/sqlitetest"
)

// newApp is every use case over repo, hashing at cost, the other settings
// at their defaults.
func newApp(t testing.TB, repo application.CustomerRepository, clock application.Clock, cost int) application.Application {
	t.Helper()
	app, err := application.New(repo, clock, application.Settings{BcryptCost: cost})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func TestNew_RefusesACostBcryptRefuses(t *testing.T) {
	if _, err := application.New(sqlitetest.Open(t), application.SystemClock{}, application.Settings{BcryptCost: bcrypt.MaxCost + 1}); err == nil {
		t.Fatal("want an error for a cost bcrypt refuses")
	}
}
