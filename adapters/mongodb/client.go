package mongodb

import (
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// NewClient prepares a client for uri without contacting the server (the
// driver connects lazily), so a service can start while its database is
// still coming up. timeout bounds every operation the client runs, on top
// of whatever deadline the caller's context carries: a database that stops
// answering turns into an error, never a hung request.
func NewClient(uri string, timeout time.Duration, opts ...*options.ClientOptions) (*mongo.Client, error) {
	o := options.Client().ApplyURI(uri).
		SetTimeout(timeout).
		SetServerSelectionTimeout(timeout).
		SetConnectTimeout(timeout)
	client, err := mongo.Connect(append([]*options.ClientOptions{o}, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("mongodb: %w", err)
	}
	return client, nil
}
