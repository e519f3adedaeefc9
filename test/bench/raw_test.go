package main

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/microbase-io/customer-service/adapters/mongodb"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/bootstrap"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/mongotest"
)

// The limit is only a limit if it does the service's database work: the
// same change, made once by the raw target and once by the service's
// adapter to two copies of a customer, must leave the same document.
func TestRawUpdate_StoresWhatTheServiceStores(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client, err := mongodb.NewClient(mongotest.ServerFor(t), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	db := client.Database("bench_test")

	w, err := seed(ctx, db, 1)
	if err != nil {
		t.Fatal(err)
	}
	rawID := w.ids[0]
	coll := db.Collection(mongodb.CollectionName)
	var original bson.D
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: rawID}}).Decode(&original); err != nil {
		t.Fatal(err)
	}
	serviceID := domain.NewID()
	twin := bson.D{{Key: "_id", Value: serviceID}}
	for _, e := range original[1:] {
		if e.Key == "email" {
			e.Value = "twin-" + e.Value.(string)
		}
		twin = append(twin, e)
	}
	if _, err := coll.InsertOne(ctx, twin); err != nil {
		t.Fatal(err)
	}

	// The service as the benchmark starts it: no broker, no event.
	cfg, err := bootstrap.LoadConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	repo, err := mongodb.NewRepository(db, cfg.OutboxLimits(), cfg.IdempotencyLimits())
	if err != nil {
		t.Fatal(err)
	}
	raw := newRawTarget(db)
	changes := []change{
		{LastName: "Smith-1"},
		{Tags: []string{"VIP", "campaign-2"}},
		{FirstName: "Ann-3", Status: "INACTIVE"},
	}
	for _, ch := range changes {
		if err := raw.update(ctx, 0, rawID, ch); err != nil {
			t.Fatalf("raw update %+v: %v", ch, err)
		}
		patch, err := domain.NewCustomerPatch(patchOf(ch))
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC().Truncate(time.Millisecond)
		ev := application.NewEvent{ID: domain.NewID(), At: now, Args: application.CustomerUpdated{ID: serviceID, Patch: patch}}
		if _, err := repo.Patch(ctx, serviceID, patch, nil, now, ev, application.IdempotencyKey{}); err != nil {
			t.Fatalf("service adapter patch %+v: %v", ch, err)
		}
	}

	rawDoc, serviceDoc := storedShape(ctx, t, coll, rawID), storedShape(ctx, t, coll, serviceID)
	if !slices.Equal(rawDoc.keys, serviceDoc.keys) {
		t.Errorf("stored fields differ:\nraw     %v\nservice %v", rawDoc.keys, serviceDoc.keys)
	}
	if !slices.Equal(rawDoc.outboxKeys, serviceDoc.outboxKeys) || rawDoc.outboxLen != serviceDoc.outboxLen {
		t.Errorf("outbox differs: raw %d × %v, service %d × %v",
			rawDoc.outboxLen, rawDoc.outboxKeys, serviceDoc.outboxLen, serviceDoc.outboxKeys)
	}
	for _, field := range []string{"firstName", "lastName", "status", "tags", "version", "outboxPending"} {
		if r, s := rawDoc.doc[field], serviceDoc.doc[field]; !equalValues(r, s) {
			t.Errorf("%s: raw stored %v, service %v", field, r, s)
		}
	}
}

// patchOf is ch as a caller's changes.
func patchOf(ch change) domain.CustomerChanges {
	var c domain.CustomerChanges
	str := func(v string) *string {
		if v == "" {
			return nil
		}
		return &v
	}
	c.FirstName, c.LastName, c.Status = str(ch.FirstName), str(ch.LastName), str(ch.Status)
	if ch.Tags != nil {
		c.Tags = &ch.Tags
	}
	return c
}

type shape struct {
	doc        bson.M
	keys       []string
	outboxLen  int
	outboxKeys []string
}

func storedShape(ctx context.Context, t *testing.T, coll *mongo.Collection, id string) shape {
	t.Helper()
	var doc bson.M
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	s := shape{doc: doc, keys: slices.Sorted(maps.Keys(doc))}
	if outbox, ok := doc["outbox"].(bson.A); ok {
		s.outboxLen = len(outbox)
		if last, ok := outbox[len(outbox)-1].(bson.M); ok {
			s.outboxKeys = slices.Sorted(maps.Keys(last))
		}
	}
	return s
}

func equalValues(a, b any) bool {
	x, _ := bson.Marshal(bson.M{"v": a})
	y, _ := bson.Marshal(bson.M{"v": b})
	return string(x) == string(y)
}
