// Package mongodb stores customers in a MongoDB collection, one document
// per customer with its addresses embedded, for deployments on MongoDB (a
// replica set or Atlas).
//
// Its tests run on FerretDB v1 where no MongoDB server is available, and
// it keeps the few accommodations FerretDB needs because none costs
// anything on MongoDB:
//   - a unique index broken by an update, and an operation that ran out of
//     its time, are reported by FerretDB as InternalError with its own
//     text rather than E11000 and MaxTimeMSExpired; translate knows both;
//   - emails are stored lower-cased rather than compared under a collation,
//     which FerretDB lacks;
//   - EnsureIndexes lists the indexes before creating the missing ones,
//     one round trip at start, where createIndexes alone would do;
//   - address changes write the whole addresses array under a version
//     filter (Update) rather than using the positional operator or
//     arrayFilters, which FerretDB lacks: the domain decides on the whole
//     list anyway;
//   - Get and FindByEmail filter on the one field they look up and tell a
//     tombstone afterwards, which FerretDB needs to use its _id index;
//   - the findOneAndUpdate of Patch has no projection, which FerretDB
//     refuses: the answer carries the customer's pending events too,
//     normally none or one.
package mongodb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// CollectionName is the collection the Node.js service used.
const CollectionName = "customers"

// Repository implements application.CustomerRepository, and
// application.Pinger for the database it uses.
type Repository struct {
	coll    *mongo.Collection
	charges *charges
	limits  application.OutboxLimits
	// room matches a customer whose outbox can take one event more
	// (its entry at the cap's last index does not exist yet).
	room bson.E
	// fault is the deployment's fault a write met, until a probe write
	// succeeds (see Ping).
	fault atomic.Pointer[error]
}

var (
	_ application.CustomerRepository = (*Repository)(nil)
	_ application.Pinger             = (*Repository)(nil)
)

// NewRepository uses the customers collection of db; writes record their
// events within limits, and keyed writes their results within keyLimits,
// which it refuses if they fail their Check. Call EnsureIndexes once
// before serving.
func NewRepository(db *mongo.Database, limits application.OutboxLimits, keyLimits application.IdempotencyLimits) (*Repository, error) {
	if err := errors.Join(limits.Check(), keyLimits.Check()); err != nil {
		return nil, fmt.Errorf("mongodb: %w", err)
	}
	room := bson.E{Key: fmt.Sprintf("outbox.%d", limits.MaxPerCustomer-1), Value: bson.D{{Key: "$exists", Value: false}}}
	return &Repository{coll: customers(db), limits: limits, room: room,
		charges: &charges{coll: db.Collection(ChargesCollection), limits: keyLimits}}, nil
}

// notRemoved keeps tombstones (removed customers whose events are not
// all published yet) out of every read and write of customers.
var notRemoved = bson.E{Key: "removed", Value: bson.D{{Key: "$ne", Value: true}}}

// customerFields leaves the outbox and the keys of keyed writes out of
// what customer reads fetch.
var customerFields = bson.D{{Key: "outbox", Value: 0}, {Key: "outboxLease", Value: 0}, {Key: "keys", Value: 0}}

// The options and fixed parts of the commands are built once; the driver
// only reads them.
var (
	readCustomer  = options.FindOne().SetProjection(customerFields)
	returnWritten = options.FindOneAndUpdate().SetReturnDocument(options.After)
	bumpVersion   = bson.D{{Key: "version", Value: int64(1)}}
)

func (r *Repository) Create(ctx context.Context, c *domain.Customer, ev application.NewEvent, key application.IdempotencyKey) (*domain.Customer, error) {
	entry, err := r.entry(ev)
	if err != nil {
		return nil, err
	}
	doc := wholeDocument{Customer: toDocument(c)}
	var ch *charge
	if key.Set() {
		c = withID(c, keyedID(key))
		rec := record(key, c)
		if ch, err = r.charges.take(ctx, key, rec.bytes()); err != nil {
			// A copy of a create that landed is answered, full or not.
			return r.createdBefore(ctx, c, key, err)
		}
		doc.Customer, doc.Keys = toDocument(c), []keyDocument{rec}
	}
	if entry != nil {
		doc.Outbox, doc.OutboxPending = []outboxEntry{*entry}, true
	}
	_, err = r.coll.InsertOne(ctx, doc)
	if err == nil {
		return c, nil
	}
	if !key.Set() || !isDuplicateKey(err) {
		return nil, ch.settle(ctx, r.writeError(err, c.Email()))
	}
	ch.release(ctx)
	return r.createdBefore(ctx, c, key, translate(err, c.Email()))
}

// createdBefore answers a keyed create of c that could not insert (err,
// translated): either a copy of this create made the customer, or the
// email is taken, or the write was refused; the customer the key names
// tells which.
func (r *Repository) createdBefore(ctx context.Context, c *domain.Customer, key application.IdempotencyKey, err error) (*domain.Customer, error) {
	found, rerr := r.readKeyed(ctx, c.ID(), key)
	if rerr != nil {
		return nil, rerr
	}
	if first, done, err := replay(found.keys, key); done {
		return first, err
	}
	if found.exists {
		return nil, application.ErrIdempotencyKeyReused
	}
	return nil, err
}

// withEvent is the filter and update of a conditional write of one
// customer that sets set and applies the update operators more, with what
// recording entry takes (nothing when there is none): a filter that the
// customer's outbox has room, the pending mark, and the push of the event.
func (r *Repository) withEvent(filter, set, more bson.D, entry *outboxEntry) (bson.D, bson.D) {
	var push bson.D
	if entry != nil {
		filter, set = append(filter, r.room), append(set, outboxPending)
		push = bson.D{{Key: "$push", Value: bson.D{{Key: "outbox", Value: entry}}}}
	}
	return filter, slices.Concat(bson.D{{Key: "$set", Value: set}}, more, push)
}

// unmatched is why a conditional write of customer id matched nothing:
// ErrEventBacklogFull when its outbox is at the cap; otherwise someone
// wrote (or deleted) it in between, and the caller reads it again, so nil
// unless ctx is done.
func (r *Repository) unmatched(ctx context.Context, id string) error {
	if !r.limits.Off {
		room := r.room
		room.Value = bson.D{{Key: "$exists", Value: true}}
		if full, err := r.exists(ctx, bson.D{{Key: "_id", Value: id}, room}); full || err != nil {
			return cmp.Or(err, application.ErrEventBacklogFull)
		}
	}
	return translate(ctx.Err(), "")
}

// exists tells whether a document matches filter.
func (r *Repository) exists(ctx context.Context, filter bson.D) (bool, error) {
	n, err := r.coll.CountDocuments(ctx, filter, options.Count().SetLimit(1))
	return n > 0, translate(err, "")
}

// Get and FindByEmail filter on the one field they look up and tell a
// tombstone by its removed flag afterwards; a tombstone's email
// ("removed:<id>") never equals a real one.
func (r *Repository) Get(ctx context.Context, id string) (*domain.Customer, error) {
	return r.findOne(ctx, bson.D{{Key: "_id", Value: id}}, id)
}

func (r *Repository) FindByEmail(ctx context.Context, email string) (*domain.Customer, error) {
	return r.findOne(ctx, bson.D{{Key: "email", Value: email}}, "")
}

func (r *Repository) findOne(ctx context.Context, filter bson.D, id string) (*domain.Customer, error) {
	var doc customerDocument
	err := r.coll.FindOne(ctx, filter, readCustomer).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) || (err == nil && doc.Removed) {
		return nil, &domain.CustomerNotFoundError{ID: id}
	}
	if err != nil {
		return nil, translate(err, "")
	}
	return doc.toDomain(), nil
}

// Patch costs one round trip in the common case: the decision the domain
// makes in Customer.Apply ("write only if some field differs") travels in
// the filter of a findOneAndUpdate, together with the optional version, and
// the update sets only the named fields, so concurrent patches of
// different fields never overwrite each other; the event goes into the
// outbox in the same update. Only when nothing matched does a second read
// tell "absent" from "stale" from "already so".
func (r *Repository) Patch(ctx context.Context, id string, patch domain.CustomerPatch, expectedVersion *int64, now time.Time, ev application.NewEvent, key application.IdempotencyKey) (*domain.Customer, error) {
	if key.Set() {
		// A keyed write records its result, which only a read-decide-write
		// knows before writing: two round trips instead of one.
		return r.Update(ctx, id, key, application.PatchAsChange(patch, expectedVersion, now, ev))
	}
	entry, err := r.entry(ev)
	if err != nil {
		return nil, err
	}
	set, same := patchFields(patch)
	set = append(set, bson.E{Key: "updatedAt", Value: now})
	email, _ := patch.Email()

	// "Some named field differs": not every named field already holds
	// its value (a $nor of them all).
	filter := bson.D{{Key: "_id", Value: id}, notRemoved, {Key: "$nor", Value: bson.A{same}}}
	if expectedVersion != nil {
		filter = append(filter, versionIs(*expectedVersion))
	}
	filter, update := r.withEvent(filter, set, bson.D{{Key: "$inc", Value: bumpVersion}}, entry)
	for {
		var doc customerDocument
		// Decoding skips the outbox (see the package comment on projections).
		err := r.coll.FindOneAndUpdate(ctx, filter, update, returnWritten).Decode(&doc)
		if err == nil {
			return doc.toDomain(), nil
		}
		if !errors.Is(err, mongo.ErrNoDocuments) {
			return nil, r.writeError(err, email)
		}
		current, err := r.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := current.CheckVersion(expectedVersion); err != nil {
			return nil, err
		}
		if !domain.RestoreCustomer(current.Snapshot()).Apply(patch, now) {
			return current, nil // already so
		}
		// Unless its outbox is full, another write changed the customer in
		// between: decide again.
		if err := r.unmatched(ctx, id); err != nil {
			return nil, err
		}
	}
}

// patchFields are the fields patch names, as $set sets them and as the
// filter that they already hold them compares them.
func patchFields(patch domain.CustomerPatch) (set, same bson.D) {
	field := func(name string, value any) {
		set = append(set, bson.E{Key: name, Value: value})
		same = append(same, bson.E{Key: name, Value: value})
	}
	if v, ok := patch.Email(); ok {
		field("email", v)
	}
	if v, ok := patch.FirstName(); ok {
		field("firstName", v)
	}
	if v, ok := patch.LastName(); ok {
		field("lastName", v)
	}
	if v, ok := patch.Status(); ok {
		field("status", v.String())
	}
	if v, ok := patch.Tags(); ok {
		field("tags", nonNil(v))
	}
	return set, same
}

// Update is an optimistic read-decide-write: the write is conditional on
// the version read, and a concurrent writer makes it read and decide again.
// The whole addresses array is written back; the version filter makes
// that safe.
func (r *Repository) Update(ctx context.Context, id string, key application.IdempotencyKey, change func(*domain.Customer) (application.NewEvent, error)) (*domain.Customer, error) {
	return r.readDecideWrite(ctx, id, key, change, customerFieldsOf, nil)
}

// readDecideWrite reads the customer and writes, under the version read,
// the fields of what change made of it and the update operators more,
// until no one wrote in between.
func (r *Repository) readDecideWrite(ctx context.Context, id string, key application.IdempotencyKey, change func(*domain.Customer) (application.NewEvent, error),
	fields func(customerDocument) bson.D, more bson.D) (*domain.Customer, error) {
	for {
		found, first, done, err := r.readToChange(ctx, id, key)
		if done {
			return first, err
		}
		c, written, err := r.writeChange(ctx, found.customer, found.keys, key, change, fields, nil, more)
		if err != nil || written {
			return c, err
		}
	}
}

// customerFieldsOf are the fields Update writes back: all a change may
// make.
func customerFieldsOf(doc customerDocument) bson.D {
	return bson.D{
		{Key: "email", Value: doc.Email},
		{Key: "firstName", Value: doc.FirstName},
		{Key: "lastName", Value: doc.LastName},
		{Key: "status", Value: doc.Status},
		{Key: "tags", Value: doc.Tags},
		{Key: "addresses", Value: doc.Addresses},
		{Key: "version", Value: doc.Version},
		{Key: "updatedAt", Value: doc.UpdatedAt},
	}
}

// writeChange writes what change does to c, read with keys, if the
// customer is still at c's version and matches where: fields of the new
// state, the update operators more, the event and the key. It reports
// false when someone wrote in between.
func (r *Repository) writeChange(ctx context.Context, c *domain.Customer, keys []keyDocument, key application.IdempotencyKey,
	change func(*domain.Customer) (application.NewEvent, error), fields func(customerDocument) bson.D, where, more bson.D) (*domain.Customer, bool, error) {
	read := c.Version()
	ev, err := change(c)
	if err != nil {
		return nil, false, err
	}
	if c.Version() == read {
		return c, true, nil
	}
	entry, err := r.entry(ev)
	if err != nil {
		return nil, false, err
	}
	doc := toDocument(c)
	set := fields(doc)
	var ch *charge
	if key.Set() {
		rec := record(key, c)
		if ch, err = r.charges.take(ctx, key, rec.bytes()); err != nil {
			return nil, false, err
		}
		set = append(set, bson.E{Key: "keys", Value: remembered(keys, key, rec)})
	}
	written, err := r.writeIfUnchanged(ctx, c.ID(), read, where, set, more, entry, doc.Email)
	if err != nil {
		return nil, false, ch.settle(ctx, err)
	}
	if !written {
		ch.release(ctx)
		return nil, false, nil
	}
	return c, true, nil
}

// writeIfUnchanged sets set on the customer, and applies the update
// operators more, if it is still at version read and matches where,
// recording entry (if any) within the limits. It reports false when
// someone wrote the customer in between, and ErrEventBacklogFull when the
// outbox had no room; its errors are translated, email being the one set
// holds.
func (r *Repository) writeIfUnchanged(ctx context.Context, id string, read int64, where, set, more bson.D, entry *outboxEntry, email string) (bool, error) {
	filter, update := r.withEvent(append(bson.D{{Key: "_id", Value: id}, notRemoved, versionIs(read)}, where...), set, more, entry)
	res, err := r.coll.UpdateOne(ctx, filter, update)
	if err != nil {
		return false, r.writeError(err, email)
	}
	if res.MatchedCount == 1 {
		return true, nil
	}
	return false, r.unmatched(ctx, id)
}

// versionIs matches a stored version; version 0 also matches documents
// that have no version field yet (written by the Node.js service).
func versionIs(v int64) bson.E {
	if v == 0 {
		return bson.E{Key: "version", Value: bson.D{{Key: "$in", Value: bson.A{int64(0), nil}}}}
	}
	return bson.E{Key: "version", Value: v}
}

// Delete turns the customer into a tombstone rather than deleting it, so
// that its REMOVE event (and any event still waiting) is published; the
// relay deletes the document afterwards. The email is replaced by a value
// no valid email can equal ("removed:" and the id, without an @), which
// frees it for a new customer at once, and kept aside for the events.
func (r *Repository) Delete(ctx context.Context, id string, ev application.NewEvent, key application.IdempotencyKey) error {
	entry, err := r.entry(ev)
	if err != nil {
		return err
	}
	for {
		found, _, done, err := r.readToChange(ctx, id, key)
		if done {
			return err
		}
		c := found.customer
		if r.limits.Off && !key.Set() {
			gone, err := r.deleteUnlessEventsWait(ctx, id, c.Version())
			if gone || err != nil {
				return r.writeError(err, "")
			}
		}
		set := bson.D{
			{Key: "removed", Value: true},
			{Key: "removedEmail", Value: c.Email()},
			{Key: "email", Value: tombstoneEmail(id)},
			{Key: "version", Value: c.Version() + 1},
			{Key: "updatedAt", Value: ev.At},
		}
		var ch *charge
		if key.Set() {
			rec := record(key, nil)
			if ch, err = r.charges.take(ctx, key, rec.bytes()); err != nil {
				return err
			}
			set = append(set, bson.E{Key: "keys", Value: remembered(found.keys, key, rec)},
				bson.E{Key: "keptUntil", Value: key.At.Add(application.IdempotencyWindow)})
		}
		written, err := r.writeIfUnchanged(ctx, id, c.Version(), nil, set, nil, entry, "")
		if err != nil {
			return ch.settle(ctx, err)
		}
		if written {
			// The removal happened: tombstones left for good go too.
			r.forgetKeptTombstones(ctx, ev.At)
			return nil
		}
		ch.release(ctx)
	}
}

// tombstoneEmail is what a tombstone holds in place of its email.
func tombstoneEmail(id string) string { return "removed:" + id }

// deleteUnlessEventsWait deletes the customer at version, with no
// tombstone, unless it has events recorded before the outbox was turned
// off (their tombstone waits for them).
func (r *Repository) deleteUnlessEventsWait(ctx context.Context, id string, version int64) (bool, error) {
	res, err := r.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, notRemoved, versionIs(version),
		{Key: "outboxPending", Value: bson.D{{Key: "$exists", Value: false}}}})
	if err != nil {
		return false, err
	}
	return res.DeletedCount == 1, nil
}

// List sorts by creation time and then by id, which is unique, so the
// order is total and paging with skip is stable. A list after a position
// starts at its creation time on the (createdAt, _id) index and leaves out
// the few customers of that same time up to its id, so a page deep in the
// list costs what the first one costs. Customers are decoded one at a
// time, in batches small enough that a page of large customers is not
// held whole by the driver.
func (r *Repository) List(ctx context.Context, q application.ListQuery, each func(*domain.Customer) error) error {
	filter := bson.D{notRemoved}
	anyOf := func(field string, values []string) {
		if len(values) > 0 {
			filter = append(filter, bson.E{Key: field, Value: bson.D{{Key: "$in", Value: values}}})
		}
	}
	anyOf("_id", q.IDs)
	anyOf("email", q.Emails)
	statuses := make([]string, len(q.Statuses))
	for i, s := range q.Statuses {
		statuses[i] = s.String()
	}
	anyOf("status", statuses)
	anyOf("tags", q.Tags)
	if q.After != nil {
		filter = append(filter,
			bson.E{Key: "createdAt", Value: bson.D{{Key: "$gte", Value: q.After.CreatedAt}}},
			bson.E{Key: "$nor", Value: bson.A{bson.D{
				{Key: "createdAt", Value: q.After.CreatedAt}, {Key: "_id", Value: bson.D{{Key: "$lte", Value: q.After.ID}}},
			}}})
	}
	projection := customerFields
	if q.WithoutAddresses {
		projection = append(slices.Clip(customerFields), bson.E{Key: "addresses", Value: 0})
	}
	opts := options.Find().
		SetProjection(projection).
		SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}).
		SetSkip(int64(q.Skip)).
		SetBatchSize(listBatch)
	if q.Limit > 0 {
		opts.SetLimit(int64(q.Limit))
	}
	return walk(ctx, r.coll, filter, opts, func(doc *customerDocument) error { return each(doc.toDomain()) })
}

// walk hands each document filter finds, as opts say, to each, decoded
// one at a time.
func walk[T any](ctx context.Context, coll *mongo.Collection, filter bson.D, opts *options.FindOptionsBuilder, each func(*T) error) error {
	cur, err := coll.Find(ctx, filter, opts)
	if err != nil {
		return translate(err, "")
	}
	defer cur.Close(context.WithoutCancel(ctx))
	for cur.Next(ctx) {
		var doc T
		if err := cur.Decode(&doc); err != nil {
			return translate(err, "")
		}
		if err := each(&doc); err != nil {
			return err
		}
	}
	return translate(cur.Err(), "")
}

// listBatch is how many customers a list fetches per round trip: a page
// of small customers in a few round trips, and a batch of the largest
// (about half a megabyte each) a few megabytes.
const listBatch = 16
