package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// ProbeCollection holds the one document readiness writes to learn
// whether the database takes writes again.
const ProbeCollection = "readiness"

var upsert = options.UpdateOne().SetUpsert(true)

// Ping tells whether the database can serve (application.Pinger): it
// pings the primary, whatever read preference the URI sets, since every
// write goes there and a replica set without one cannot serve. After a
// write failed for the deployment's sake (isWriteFault: no writable
// primary, a full disk, a write concern not satisfied), it also writes
// one small document, with the URI's write concern, and is ready again
// once that write succeeds: a service that is not ready gets no writes,
// so only such a probe finds that the database takes them again. While
// writes succeed, readiness costs one ping; while they fail, a ping and a
// write per check. The caller's context bounds it.
func (r *Repository) Ping(ctx context.Context) error {
	db := r.coll.Database()
	if err := db.Client().Ping(ctx, readpref.Primary()); err != nil {
		return err
	}
	if r.fault.Load() == nil {
		return nil
	}
	_, err := db.Collection(ProbeCollection).UpdateOne(ctx, bson.D{{Key: "_id", Value: "write"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: time.Now()}}}}, upsert)
	if err != nil {
		return translate(err, "")
	}
	r.fault.Store(nil)
	return nil
}

// writeError is what a write the service was asked for answers for err
// (translateWrite), remembering a fault of the deployment's, so that the
// store is not ready until a probe write succeeds.
func (r *Repository) writeError(err error, email string) error {
	if err != nil && isWriteFault(err) {
		r.fault.Store(&err)
	}
	return translateWrite(err, email)
}
