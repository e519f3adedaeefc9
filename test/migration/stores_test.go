// Package migration_test moves customers between the stores the service
// ships, through their own adapters: the embedded SQLite store, and the
// MongoDB adapter on the MongoDB stand-in (test/mongoserver) run as a
// process, in every direction.
package migration_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/microbase-io/customer-service/adapters/mongodb"
	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/test/support/mongotest"
	"github.com/microbase-io/customer-service/test/support/sqlitetest"
)

var serverURI string

func TestMain(m *testing.M) {
	os.Exit(mongotest.WithServer(func(uri string) int { return run(m, uri) }))
}

func run(m *testing.M, uri string) int {
	serverURI = uri
	var err error
	mongoClient, err = mongodb.NewClient(uri, mongotest.OperationTimeout)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer mongoClient.Disconnect(context.Background())
	return m.Run()
}

// store is one end of a migration: a store the use cases and the relay
// work on, and the migration reads or writes.
type store interface {
	application.CustomerRepository
	application.Outbox
	application.MigrationTarget
}

// end is a kind of store, and how a test makes an empty one.
type end struct {
	name string
	open func(t *testing.T) (store, string)
}

var sqliteEnd = end{"SQLite", func(t *testing.T) (store, string) {
	s, err := sqlite.Open(context.Background(), sqlitetest.Options(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	byHand.Store(application.MigrationSource(s), func(t *testing.T, id string) {
		db, err := sql.Open("sqlite", "file:"+s.Path())
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx(t), `UPDATE customers SET last_name = 'By hand' WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
	})
	return s, "sqlite:" + s.Path()
}}

// byHand changes a customer's last name in a store's own rows or
// documents, as an operator's hand would: no version, no event.
var byHand sync.Map

func changeByHand(t *testing.T, s application.MigrationSource, id string) {
	t.Helper()
	change, _ := byHand.Load(s)
	change.(func(*testing.T, string))(t, id)
}

var mongoClient *mongo.Client

var mongoDBEnd = end{"MongoDB", func(t *testing.T) (store, string) { return freshMongoDB(t, mongoClient, serverURI) }}

// freshMongoDB is a MongoDB repository on a database of its own of the
// server at uri, which client talks to.
func freshMongoDB(t *testing.T, client *mongo.Client, uri string) (store, string) {
	db := mongotest.FreshDatabase(t, client)
	repo := mongotest.RepositoryOn(t, db)
	if err := repo.EnsureIndexes(ctx(t)); err != nil {
		t.Fatal(err)
	}
	byHand.Store(application.MigrationSource(repo), func(t *testing.T, id string) {
		if _, err := db.Collection(mongodb.CollectionName).UpdateOne(ctx(t), bson.D{{Key: "_id", Value: id}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "lastName", Value: "By hand"}}}}); err != nil {
			t.Fatal(err)
		}
	})
	return repo, strings.TrimSuffix(uri, "/") + "/" + db.Name()
}

// pairs are the directions a migration is tested in.
var pairs = [][2]end{{sqliteEnd, mongoDBEnd}, {mongoDBEnd, sqliteEnd}, {sqliteEnd, sqliteEnd}}

// eachPair runs test for every direction, each with two empty stores.
func eachPair(t *testing.T, test func(t *testing.T, src, dst store, source string)) {
	for _, p := range pairs {
		t.Run(p[0].name+"To"+p[1].name, func(t *testing.T) {
			src, source := p[0].open(t)
			dst, _ := p[1].open(t)
			test(t, src, dst, source)
		})
	}
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return c
}
