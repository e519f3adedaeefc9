// Package container_test runs the MongoDB adapter's whole contract against
// a database container: the project's FerretDB image by default, or the
// image MONGO_IMAGE names (mongo:7 on a machine with a registry), with no
// other change.
package container_test

import (
	"testing"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/test/contract"
	"github.com/microbase-io/customer-service/test/support/containers"
	"github.com/microbase-io/customer-service/test/support/mongotest"
)

// One container serves every subtest of the package; each subtest gets a
// fresh database on it.
func TestMongoDBAdapterOnADatabaseContainer(t *testing.T) {
	containers.RequireDocker(t)
	db := containers.StartMongo(t)
	client := mongotest.Connect(t, db.URI(t))

	t.Run("RepositoryContract", func(t *testing.T) {
		contract.RunCustomerRepository(t, func(t *testing.T) contract.Store {
			return mongotest.NewRepository(t, client)
		})
		contract.RunIdempotencyLimits(t, func(t *testing.T, limits application.IdempotencyLimits) contract.Store {
			return mongotest.NewKeyedRepository(t, client, limits)
		})
	})
	t.Run("PasswordsContract", func(t *testing.T) {
		contract.RunPasswords(t, func(t *testing.T) contract.Store {
			return mongotest.NewRepository(t, client)
		}, func(t *testing.T) (contract.Store, contract.Store) {
			return mongotest.NewRepositoryPair(t, client)
		})
	})
	t.Run("OutboxLimitsContract", func(t *testing.T) {
		contract.RunOutboxLimits(t, func(t *testing.T, limits application.OutboxLimits) contract.Store {
			return mongotest.NewLimitedRepository(t, client, limits)
		})
	})
	t.Run("AdapterChecks", func(t *testing.T) {
		mongotest.RunAdapterChecks(t, client)
	})
}
