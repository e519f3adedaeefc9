package containers_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/microbase-io/customer-service/test/support/containers"
)

func TestTestDatabaseKeepsUniqueIndexAndDataThroughPauseAndRestart(t *testing.T) {
	db := containers.StartMongo(t)
	ctx := t.Context()

	client := connect(t, db.URI(t))
	customers := client.Database("smoke").Collection("customers")
	_, err := customers.Indexes().CreateOne(ctx, mongo.IndexModel{
		Keys:    bson.D{{Key: "email", Value: 1}},
		Options: options.Index().SetUnique(true),
	})
	if err != nil {
		t.Fatalf("create unique index: %v", err)
	}
	if _, err := customers.InsertOne(ctx, bson.D{{Key: "email", Value: "ada@example.com"}}); err != nil {
		t.Fatalf("first insert: %v", err)
	}
	requireDuplicateKey(t, customers)

	db.Pause(t)
	// A paused server keeps the TCP connection open and never answers, so
	// only a deadline ends the ping.
	pingCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	err = client.Ping(pingCtx, nil)
	cancel()
	if !mongo.IsTimeout(err) {
		t.Fatalf("ping while paused: got %v, want a timeout", err)
	}
	db.Unpause(t)
	if err := client.Ping(ctx, nil); err != nil {
		t.Fatalf("ping after unpause: %v", err)
	}

	db.Stop(t)
	db.Start(t)
	customers = connect(t, db.URI(t)).Database("smoke").Collection("customers")
	var found bson.M
	if err := customers.FindOne(ctx, bson.D{{Key: "email", Value: "ada@example.com"}}).Decode(&found); err != nil {
		t.Fatalf("document written before the restart: %v", err)
	}
	requireDuplicateKey(t, customers)
}

func TestTestDatabaseOnNetworkIsNamedByItsAlias(t *testing.T) {
	network := containers.NewNetwork(t)
	db := containers.StartMongo(t, containers.OnNetwork(network, "customers-db"))

	if got, want := db.NetworkURI(), "mongodb://customers-db:27017/"; got != want {
		t.Errorf("NetworkURI() = %q, want %q", got, want)
	}
	if err := connect(t, db.URI(t)).Ping(t.Context(), nil); err != nil {
		t.Fatalf("ping from the test process: %v", err)
	}
}

func connect(t *testing.T, uri string) *mongo.Client {
	t.Helper()
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatalf("connect to %s: %v", uri, err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	return client
}

func requireDuplicateKey(t *testing.T, customers *mongo.Collection) {
	t.Helper()
	_, err := customers.InsertOne(t.Context(), bson.D{{Key: "email", Value: "ada@example.com"}})
	if !mongo.IsDuplicateKeyError(err) {
		t.Fatalf("second insert of the same email: got %v, want a duplicate key error", err)
	}
}
