package mongodb

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/application"
)

// The transactional outbox lives inside each customer document, because a
// write to one document is the only atomic step that MongoDB offers
// without multi-document transactions: the write that
// changes a customer pushes its event onto the document's "outbox" array
// and sets "outboxPending" in the same update. A relay leases a document
// ("outboxLease"), publishes its events in array order, and pops each one
// only after the broker confirmed it ($pop guarded by the head's id and
// the lease). Every write adds one event and one version, and only the
// head leaves the array, so the array is always the latest writes: the
// last event has the document's version, each earlier one one less.
var _ application.Outbox = (*Repository)(nil)

type outboxEntry struct {
	ID   string    `bson:"id"`
	Type string    `bson:"type"`
	At   time.Time `bson:"at"`
	// Args is kept as JSON text: it goes to the bus as JSON, and a string
	// survives any server's round trip unchanged.
	Args string `bson:"args"`
}

// entry is ev as the outbox keeps it, its arguments rendered for
// consumers; none when the outbox is off.
func (r *Repository) entry(ev application.NewEvent) (*outboxEntry, error) {
	if r.limits.Off {
		return nil, nil
	}
	args, err := jsonview.EventArgs(ev.Args)
	if err != nil {
		return nil, err
	}
	return &outboxEntry{ID: ev.ID, Type: string(ev.Type()), At: ev.At, Args: string(args)}, nil
}

func (e outboxEntry) toStored() application.StoredEvent {
	return application.StoredEvent{ID: e.ID, Type: application.EventType(e.Type), At: e.At.UTC(), Args: []byte(e.Args)}
}

var outboxPending = bson.E{Key: "outboxPending", Value: true}

func (r *Repository) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration) (string, bool, error) {
	var doc struct {
		ID string `bson:"_id"`
	}
	err := r.coll.FindOneAndUpdate(ctx,
		bson.D{outboxPending, {Key: "$or", Value: bson.A{
			bson.D{{Key: "outboxLease", Value: bson.D{{Key: "$exists", Value: false}}}},
			bson.D{{Key: "outboxLease.until", Value: bson.D{{Key: "$lt", Value: now}}}},
		}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "outboxLease", Value: bson.D{{Key: "owner", Value: owner}, {Key: "until", Value: now.Add(lease)}}}}}},
	).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", false, nil
	}
	if err != nil {
		return "", false, translate(err, "")
	}
	return doc.ID, true, nil
}

func (r *Repository) Pending(ctx context.Context, customerID string) ([]application.Event, error) {
	var doc struct {
		Customer customerDocument `bson:",inline"`
		Outbox   []outboxEntry    `bson:"outbox"`
	}
	err := r.coll.FindOne(ctx, bson.D{{Key: "_id", Value: customerID}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err, "")
	}
	queue := make([]application.Event, len(doc.Outbox))
	for i, e := range doc.Outbox {
		queue[i] = application.Event{ID: e.ID, Type: application.EventType(e.Type), OccurredAt: e.At.UTC(), Args: []byte(e.Args)}
	}
	return application.QueuedEvents(doc.Customer.toDomain(), queue), nil
}

func (r *Repository) Ack(ctx context.Context, customerID, owner, eventID string, renewUntil time.Time) error {
	res, err := r.coll.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: customerID}, {Key: "outboxLease.owner", Value: owner}, {Key: "outbox.0.id", Value: eventID}},
		bson.D{
			{Key: "$pop", Value: bson.D{{Key: "outbox", Value: -1}}},
			{Key: "$set", Value: bson.D{{Key: "outboxLease.until", Value: renewUntil}}},
		})
	if err != nil {
		return translate(err, "")
	}
	if res.MatchedCount == 0 {
		return application.ErrLeaseLost
	}
	return nil
}

// Release ends the lease; when no event is left it also clears the
// pending mark, or deletes a tombstone not kept for a key. Each step's
// filter requires an empty outbox, so an event pushed meanwhile keeps the
// document pending.
func (r *Repository) Release(ctx context.Context, customerID, owner string) error {
	mine := bson.D{{Key: "_id", Value: customerID}, {Key: "outboxLease.owner", Value: owner}}
	empty := append(mine, bson.E{Key: "outbox.0", Value: bson.D{{Key: "$exists", Value: false}}})
	// A tombstone kept for the key of its removal waits for its window
	// (see forgetKeptTombstones).
	del, err := r.coll.DeleteOne(ctx, append(empty, bson.E{Key: "removed", Value: true},
		bson.E{Key: "keptUntil", Value: bson.D{{Key: "$exists", Value: false}}}))
	if err != nil || del.DeletedCount == 1 {
		return translate(err, "")
	}
	res, err := r.coll.UpdateOne(ctx, empty,
		bson.D{{Key: "$unset", Value: bson.D{{Key: "outboxLease", Value: ""}, {Key: "outboxPending", Value: ""}}}})
	if err != nil || res.MatchedCount == 1 {
		return translate(err, "")
	}
	_, err = r.coll.UpdateOne(ctx, mine, bson.D{{Key: "$unset", Value: bson.D{{Key: "outboxLease", Value: ""}}}})
	return translate(err, "")
}

func (r *Repository) Backlog(ctx context.Context) (int64, error) {
	n, err := r.coll.CountDocuments(ctx, bson.D{outboxPending})
	return n, translate(err, "")
}
