// Package standin_test runs the MongoDB adapter against the MongoDB
// stand-in (test/mongoserver) started as a local process, so that the
// adapter's whole contract runs without Docker.
package standin_test

import (
	"os"
	"testing"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/test/contract"
	"github.com/microbase-io/customer-service/test/support/mongotest"
)

var serverURI string

func TestMain(m *testing.M) {
	os.Exit(mongotest.WithServer(func(uri string) int {
		serverURI = uri
		return m.Run()
	}))
}

func client(t *testing.T) *mongo.Client { return mongotest.Connect(t, serverURI) }

func TestMongoDBAdapterKeepsTheRepositoryContractOnAServerProcess(t *testing.T) {
	c := client(t)
	contract.RunCustomerRepository(t, func(t *testing.T) contract.Store {
		return mongotest.NewRepository(t, c)
	})
	contract.RunOutboxLimits(t, func(t *testing.T, limits application.OutboxLimits) contract.Store {
		return mongotest.NewLimitedRepository(t, c, limits)
	})
	contract.RunIdempotencyLimits(t, func(t *testing.T, limits application.IdempotencyLimits) contract.Store {
		return mongotest.NewKeyedRepository(t, c, limits)
	})
	contract.RunPasswords(t, func(t *testing.T) contract.Store {
		return mongotest.NewRepository(t, c)
	}, func(t *testing.T) (contract.Store, contract.Store) {
		return mongotest.NewRepositoryPair(t, c)
	})
}

func TestMongoDBAdapterSpecificsOnAServerProcess(t *testing.T) {
	mongotest.RunAdapterChecks(t, client(t))
}
