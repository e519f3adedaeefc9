package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// Pinger checks that the database answers (application.Pinger).
type Pinger struct {
	client *mongo.Client
}

// NewPinger pings through client.
func NewPinger(client *mongo.Client) *Pinger { return &Pinger{client: client} }

// Ping runs the ping command on the primary, whatever read preference
// the URI sets: every write goes there, so a replica set without one
// cannot serve. The caller's context bounds it.
func (p *Pinger) Ping(ctx context.Context) error {
	return p.client.Ping(ctx, readpref.Primary())
}
