package mongodb

import (
	"context"
	"errors"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/microbase-io/customer-service/application"
)

// A subject's keyed writes keep their records in the documents of the
// customers they wrote, and no transaction spans documents here, so what a
// subject keeps is counted apart, in ChargesCollection: each keyed write
// adds what its record counts to its subject's count for the current
// period before it writes, then reads the subject's counts of the window;
// beyond the limit it takes its bytes back and is refused. Every write
// that passes saw a total that held itself and every write counted before
// it, so what the passing writes counted never exceeds the limit; writes
// of one subject counted at the same moment may each see the others and
// all be refused where one at a time one would have passed (never the
// reverse). A count outlives its record: a record dropped early from its
// document (see maxKeptBytes) stays counted until its period leaves the
// window, and so does a write whose outcome is unknown (the database did
// not answer in time; it may have written). The limit bounds what a
// subject's keyed writes wrote in the window, which is never less than
// what they keep.

// ChargesCollection holds what each subject's keyed writes count, by
// period.
const ChargesCollection = "idempotency_charges"

// chargePeriod is how finely counts age: a record leaves the count at the
// end of its period plus the window, at most this much after it leaves
// the window, so a refusal's Retry-After is at most this much late.
const chargePeriod = 5 * time.Minute

// chargeDocument is what one subject's keyed writes of one period count.
type chargeDocument struct {
	Subject string `bson:"subject"`
	// Until is the end of the period: no record it counts was made later.
	Until time.Time `bson:"until"`
	Bytes int64     `bson:"bytes"`
}

type charges struct {
	coll   *mongo.Collection
	limits application.IdempotencyLimits
}

// charge is what one keyed write counted against its subject.
type charge struct {
	charges *charges
	id      string
	bytes   int64
}

// windowCounts are a subject's counts oldest first, as KeyRecordsFull
// reads them.
var windowCounts = options.Find().SetSort(bson.D{{Key: "until", Value: 1}}).
	SetProjection(bson.D{{Key: "until", Value: 1}, {Key: "bytes", Value: 1}})

// take counts bytes against key's subject, or refuses the write
// (application.KeyRecordsFull) and counts nothing.
func (c *charges) take(ctx context.Context, key application.IdempotencyKey, bytes int64) (*charge, error) {
	until := key.At.Truncate(chargePeriod).Add(chargePeriod)
	ch := &charge{charges: c, id: key.Subject + "@" + strconv.FormatInt(until.UnixMilli(), 10), bytes: bytes}
	res, err := c.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: ch.id}}, bson.D{
		{Key: "$inc", Value: bson.D{{Key: "bytes", Value: bytes}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "subject", Value: key.Subject}, {Key: "until", Value: until}}},
	}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return nil, translate(err, "")
	}
	if res.UpsertedCount == 1 {
		// A new period: the periods of every subject that left the
		// window go, so that a subject that stopped writing leaves none.
		gone := bson.D{{Key: "until", Value: bson.D{{Key: "$lte", Value: key.At.Add(-application.IdempotencyWindow)}}}}
		if _, err := c.coll.DeleteMany(ctx, gone); err != nil {
			return nil, ch.settle(ctx, translate(err, ""))
		}
	}
	cur, err := c.coll.Find(ctx, bson.D{{Key: "subject", Value: key.Subject},
		{Key: "until", Value: bson.D{{Key: "$gt", Value: key.At.Add(-application.IdempotencyWindow)}}}}, windowCounts)
	if err != nil {
		return nil, ch.settle(ctx, translate(err, ""))
	}
	var counts []chargeDocument
	if err := cur.All(ctx, &counts); err != nil {
		return nil, ch.settle(ctx, translate(err, ""))
	}
	var total int64
	for _, n := range counts {
		total += n.Bytes
	}
	if limit := c.limits.MaxBytesPerSubject; total > limit {
		return nil, ch.settle(ctx, application.KeyRecordsFull(key.At, total-limit, func(yield func(time.Time, int64) bool) {
			for _, n := range counts {
				if !yield(n.Until, n.Bytes) {
					return
				}
			}
		}))
	}
	return ch, nil
}

// release takes back the bytes of a write that did not happen. For a
// write that may have happened (its outcome is unknown), keep the charge.
// A charge that cannot be taken back stays, which only makes the limit
// stricter until its period leaves the window.
func (ch *charge) release(ctx context.Context) {
	if ch != nil {
		_, _ = ch.charges.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: ch.id}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "bytes", Value: -ch.bytes}}}})
	}
}

// settle keeps the charge of a write that happened or may have happened
// (err nil, or its outcome unknown) and takes back that of one that did
// not; it returns err.
func (ch *charge) settle(ctx context.Context, err error) error {
	if err != nil && !errors.Is(err, application.ErrOutcomeUnknown) {
		ch.release(ctx)
	}
	return err
}
