package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/adapters/mongodb"
	"github.com/microbase-io/customer-service/bootstrap"
	"github.com/microbase-io/customer-service/domain"
)

// seedBatch keeps each insert well under MongoDB's 48 MB message limit
// while making seeding a few round trips rather than thousands.
const seedBatch = 500

var (
	firstNames = []string{"John", "Jane", "Ali", "Mei", "Olga", "Pedro", "Amara", "Kenji", "Lea", "Noah", "Sofia", "Ivan"}
	lastNames  = []string{"Doe", "Smith", "Garcia", "Chen", "Ivanova", "Okafor", "Tanaka", "Martin", "Novak", "Silva"}
	tagPool    = []string{"VIP", "newsletter", "b2b", "wholesale", "returning", "gold", "silver", "eu", "us", "beta"}
	places     = []struct{ postCode, city, state, country string }{
		{"61701", "Bloomington", "Illinois", "US"},
		{"75002", "Paris", "Ile-de-France", "FR"},
		{"10115", "Berlin", "Berlin", "DE"},
		{"100-0001", "Tokyo", "Tokyo", "JP"},
		{"01310-100", "Sao Paulo", "SP", "BR"},
		{"SW1A 1AA", "London", "England", "GB"},
	}
)

// seed empties the database and fills its customers collection, with the
// service's indexes, in the layout the service and the Node.js service
// before it store: 1 to 3 embedded addresses and 1 to 4 tags per
// customer. The indexes exist before the documents, as in production, so
// that every update pays for keeping them.
func seed(ctx context.Context, db *mongo.Database, n int) (*workload, error) {
	if err := db.Drop(ctx); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	cfg, err := bootstrap.LoadConfig(nil)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	repo, err := mongodb.NewRepository(db, cfg.OutboxLimits(), cfg.IdempotencyLimits())
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if err := repo.EnsureIndexes(ctx); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	// One real hash for all: the updates never read it, and hashing 10,000
	// passwords would only slow seeding down.
	hash, err := bcrypt.GenerateFromPassword([]byte("bench-s3cret-pass"), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	w := &workload{ids: make([]string, 0, n)}
	coll := db.Collection(mongodb.CollectionName)
	since := time.Now().UTC().Add(-3 * 365 * 24 * time.Hour)
	for len(w.ids) < n {
		batch := make([]any, 0, min(seedBatch, n-len(w.ids)))
		for len(batch) < cap(batch) {
			doc, addresses, tags := customerDocument(rng, len(w.ids), string(hash), since)
			w.ids = append(w.ids, doc[0].Value.(string))
			w.addresses += addresses
			w.tags += tags
			batch = append(batch, doc)
		}
		if _, err := coll.InsertMany(ctx, batch, options.InsertMany().SetOrdered(false)); err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
	}
	return w, nil
}

// customerDocument is customer number i, made up; its _id comes first.
func customerDocument(rng *rand.Rand, i int, hash string, since time.Time) (bson.D, int, int) {
	first := firstNames[rng.IntN(len(firstNames))]
	last := lastNames[rng.IntN(len(lastNames))]
	tags := bson.A{}
	for _, k := range rng.Perm(len(tagPool))[:1+rng.IntN(4)] {
		tags = append(tags, tagPool[k])
	}
	addresses := bson.A{}
	for a := range 1 + rng.IntN(3) {
		p := places[rng.IntN(len(places))]
		address := bson.D{
			{Key: "id", Value: domain.NewID()},
			{Key: "name", Value: [3]string{"Home", "Work", "Holiday"}[a]},
			{Key: "firstName", Value: first},
			{Key: "lastName", Value: last},
			{Key: "address_1", Value: fmt.Sprintf("%d Main Street", 1+rng.IntN(999))},
			{Key: "postCode", Value: p.postCode},
			{Key: "city", Value: p.city},
			{Key: "state", Value: p.state},
			{Key: "country", Value: p.country},
		}
		if rng.IntN(2) == 0 {
			address = append(address, bson.E{Key: "phone", Value: int64(2_000_000_000 + rng.IntN(1_000_000_000))})
		}
		addresses = append(addresses, address)
	}
	created := since.Add(time.Duration(rng.Int64N(int64(3 * 365 * 24 * time.Hour)))).Truncate(time.Millisecond)
	status := "ACTIVE"
	if rng.IntN(10) == 0 {
		status = "INACTIVE"
	}
	doc := bson.D{
		{Key: "_id", Value: domain.NewID()},
		{Key: "email", Value: fmt.Sprintf("%s.%s.%d@example.com", strings.ToLower(first), strings.ToLower(last), i)},
		{Key: "password", Value: hash},
		{Key: "firstName", Value: first},
		{Key: "lastName", Value: last},
		{Key: "status", Value: status},
		{Key: "tags", Value: tags},
		{Key: "addresses", Value: addresses},
		{Key: "version", Value: int64(0)},
		{Key: "createdAt", Value: created},
		{Key: "updatedAt", Value: created},
	}
	return doc, len(addresses), len(tags)
}
