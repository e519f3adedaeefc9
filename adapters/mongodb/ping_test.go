package mongodb_test

import (
	"context"
	"net"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/microbase-io/customer-service/adapters/mongodb"
	"github.com/microbase-io/customer-service/test/support/mongotest"
)

// A database that does not answer makes the service not ready; the
// caller's context, not the client's minute, bounds the wait.
func TestPingFailsWithinTheCallersBoundWhenNoDatabaseAnswers(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	client, err := mongodb.NewClient("mongodb://"+addr+"/", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := mongotest.RepositoryOn(t, client.Database("customer")).Ping(ctx); err == nil {
		t.Fatal("ping succeeded with no database")
	}
}

// After a write met a fault of the deployment's (here: no writable
// primary), readiness writes a probe document and is ready once that
// succeeds; while writes succeed it writes nothing.
func TestReadinessProbesAWriteOnlyAfterAWriteFault(t *testing.T) {
	client := mongotest.Connect(t, mongotest.ServerFor(t))
	db := mongotest.FreshDatabase(t, client)
	repo := mongotest.RepositoryOn(t, db)
	ctx, cancel := context.WithTimeout(context.Background(), mongotest.OperationTimeout)
	defer cancel()
	probes := db.Collection(mongodb.ProbeCollection)
	count := func() int64 {
		n, err := probes.CountDocuments(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := repo.Ping(ctx); err != nil || count() != 0 {
		t.Fatalf("healthy ping: %v, %d probe documents; want ready and no write", err, count())
	}
	repo.MeetWriteFault(mongo.CommandError{Code: 10107, Name: "NotWritablePrimary"})
	if err := repo.Ping(ctx); err != nil {
		t.Fatalf("ping once the primary takes writes: %v", err)
	}
	if count() != 1 {
		t.Fatalf("%d probe documents, want the one the probe wrote", count())
	}
	if _, err := probes.DeleteMany(ctx, bson.D{}); err != nil {
		t.Fatal(err)
	}
	if err := repo.Ping(ctx); err != nil || count() != 0 {
		t.Fatalf("ping after the probe succeeded: %v, %d probe documents; want ready and no write", err, count())
	}
}
