// Package mongotest gives tests a MongoDB adapter on a fresh database of
// any server (the MongoDB stand-in as a process, a container, a real
// MongoDB), so the repository contract runs unchanged against each.
package mongotest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/microbase-io/customer-service/adapters/mongodb"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/test/support/defaults"
)

// OperationTimeout bounds each database call in tests, as the service's
// request timeout does in production.
const OperationTimeout = 10 * time.Second

var databases atomic.Int64

// Connect returns a client for uri, disconnected when the test ends.
func Connect(t testing.TB, uri string) *mongo.Client {
	t.Helper()
	client, err := mongodb.NewClient(uri, OperationTimeout)
	if err != nil {
		t.Fatalf("connect %s: %v", uri, err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	return client
}

// FreshDatabase returns a database no other test uses, dropped afterwards.
func FreshDatabase(t testing.TB, client *mongo.Client) *mongo.Database {
	t.Helper()
	db := client.Database(fmt.Sprintf("test_%d_%d", time.Now().UnixNano(), databases.Add(1)))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), OperationTimeout)
		defer cancel()
		_ = db.Drop(ctx)
	})
	return db
}

// NewRepository returns a MongoDB repository with its indexes on a fresh
// database of the server client talks to, with the default settings of a
// service with a broker (its writes record their events).
func NewRepository(t *testing.T, client *mongo.Client) *mongodb.Repository {
	t.Helper()
	return NewLimitedRepository(t, client, defaults.OutboxLimits(t))
}

// NewRepositoryPair returns two MongoDB repositories on one fresh
// database, as two instances of the service on one database have.
func NewRepositoryPair(t *testing.T, client *mongo.Client) (*mongodb.Repository, *mongodb.Repository) {
	t.Helper()
	db := FreshDatabase(t, client)
	pair := [2]*mongodb.Repository{}
	for i := range pair {
		pair[i] = RepositoryOn(t, db)
		ctx, cancel := context.WithTimeout(context.Background(), OperationTimeout)
		err := pair[i].EnsureIndexes(ctx)
		cancel()
		if err != nil {
			t.Fatalf("EnsureIndexes: %v", err)
		}
	}
	return pair[0], pair[1]
}

// NewLimitedRepository is NewRepository whose outbox keeps limits.
func NewLimitedRepository(t *testing.T, client *mongo.Client, limits application.OutboxLimits) *mongodb.Repository {
	t.Helper()
	return newRepository(t, client, limits, defaults.IdempotencyLimits(t))
}

// NewKeyedRepository is NewRepository whose keyed writes keep limits.
func NewKeyedRepository(t *testing.T, client *mongo.Client, limits application.IdempotencyLimits) *mongodb.Repository {
	t.Helper()
	return newRepository(t, client, defaults.OutboxLimits(t), limits)
}

// RepositoryOn is a repository on db with the default settings, without
// making its indexes.
func RepositoryOn(t testing.TB, db *mongo.Database) *mongodb.Repository {
	t.Helper()
	repo, err := mongodb.NewRepository(db, defaults.OutboxLimits(t), defaults.IdempotencyLimits(t))
	if err != nil {
		t.Fatal(err)
	}
	return repo
}

func newRepository(t *testing.T, client *mongo.Client, limits application.OutboxLimits, keyLimits application.IdempotencyLimits) *mongodb.Repository {
	t.Helper()
	repo, err := mongodb.NewRepository(FreshDatabase(t, client), limits, keyLimits)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), OperationTimeout)
	defer cancel()
	if err := repo.EnsureIndexes(ctx); err != nil {
		t.Fatalf("EnsureIndexes: %v", err)
	}
	return repo
}
