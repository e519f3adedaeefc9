// Package embedded_test runs the MongoDB adapter against the embedded
// store, the server `make run` uses.
package embedded_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/microbase-io/customer-service/adapters/embedded"
	"github.com/microbase-io/customer-service/test/contract"
	"github.com/microbase-io/customer-service/test/mongotest"
)

var storeURI string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "customer-embedded-*")
	if err != nil {
		panic(err)
	}
	store, err := embedded.Start(embedded.Options{DataDir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		panic(err)
	}
	storeURI = store.URI()
	code := m.Run()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	_ = store.Stop(ctx)
	cancel()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func client(t *testing.T) *mongo.Client { return mongotest.Connect(t, storeURI) }

func TestMongoDBAdapterKeepsTheRepositoryContractOnTheEmbeddedStore(t *testing.T) {
	c := client(t)
	contract.RunCustomerRepository(t, func(t *testing.T) contract.Store {
		return mongotest.NewRepository(t, c)
	})
}

func TestMongoDBAdapterSpecificsOnTheEmbeddedStore(t *testing.T) {
	mongotest.RunAdapterChecks(t, client(t))
}
