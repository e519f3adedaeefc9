package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/microbase-io/customer-service/adapters/mongodb"
	"github.com/microbase-io/customer-service/test/support/mongotest"
)

// database is the server both targets use.
type database struct {
	uri    string
	client *mongo.Client
	label  string
	// gated reports that every write goes through the embedded store's
	// write gate, the service's and the raw driver's alike.
	gated bool
	close func()
}

// openDatabase connects to uri, or starts the MongoDB stand-in
// (test/mongoserver) as a process when uri is empty.
func openDatabase(ctx context.Context, uri string, o config) (*database, error) {
	db := &database{uri: uri, close: func() {}}
	if uri == "" {
		dir, err := os.MkdirTemp("", "customer-bench-")
		if err != nil {
			return nil, err
		}
		server, err := mongotest.StartServer(dir)
		if err != nil {
			_ = os.RemoveAll(dir)
			return nil, err
		}
		db.uri, db.gated = server.URI, true
		db.close = func() {
			_ = server.Stop()
			_ = os.RemoveAll(dir)
		}
	}
	client, err := mongodb.NewClient(db.uri, o.timeout)
	if err != nil {
		db.close()
		return nil, err
	}
	db.client = client
	closeStore := db.close
	db.close = func() {
		_ = client.Disconnect(context.Background())
		closeStore()
	}
	server, err := describeServer(ctx, client, db.gated)
	if err != nil {
		db.close()
		return nil, fmt.Errorf("database at %s: %w", redact(db.uri), err)
	}
	switch {
	case o.dbLabel != "":
		db.label = o.dbLabel + " (server reports " + server + ")"
	case db.gated:
		db.label = server + " on SQLite, behind its write gate"
	default:
		db.label = server + " at " + redact(db.uri)
	}
	return db, nil
}

// describeServer names the server from its buildInfo; FerretDB adds its
// own version to MongoDB's fields.
func describeServer(ctx context.Context, client *mongo.Client, standIn bool) (string, error) {
	var info struct {
		Version         string `bson:"version"`
		FerretDBVersion string `bson:"ferretdbVersion"`
	}
	err := client.Database("admin").RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info)
	if err != nil {
		return "", err
	}
	switch info.FerretDBVersion {
	case "":
		return "MongoDB " + info.Version, nil
	case "unknown":
		// Built from the module, FerretDB lacks its generated version
		// file; the stand-in is test/mongoserver.
		if standIn {
			return "FerretDB (test/mongoserver)", nil
		}
		return "FerretDB, version unknown", nil
	default:
		return "FerretDB " + info.FerretDBVersion, nil
	}
}

// redact keeps credentials out of the output.
func redact(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return "(unparsable URI)"
	}
	u.User = nil
	u.RawQuery = ""
	return u.String()
}

func dropDatabase(db *mongo.Database) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_ = db.Drop(ctx)
}
