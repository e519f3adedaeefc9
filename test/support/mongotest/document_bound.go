package mongotest

import (
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/adapters/mongodb"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/largecustomer"
)

// maxKeptBytes is what the adapter lets a document's records of keyed
// writes take (its own constant, read here as the README states it).
const maxKeptBytes = 2 << 20

// keyedWritesNeverBringADocumentNearItsLimit makes keyed writes of the
// largest customer there is, of random characters (their results compress
// least: about 380 KB each), three times as many as the document's bound
// holds: its records stay within the bound, the oldest dropped first, so
// the newest copy is answered and a copy of the oldest writes again, as
// the README says. Without the bound, 50 such results (the count kept)
// would be 19 MB, past MongoDB's 16 MiB per document.
func keyedWritesNeverBringADocumentNearItsLimit(t *testing.T, client *mongo.Client) {
	db := FreshDatabase(t, client)
	repo := RepositoryOn(t, db)
	if err := repo.EnsureIndexes(ctx(t)); err != nil {
		t.Fatal(err)
	}
	m := largecustomer.New(largecustomer.Random, 1)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c, err := domain.NewCustomer(domain.NewCustomerInput{
		Email: "large@example.com", Password: "correct horse", FirstName: m.Field(domain.MaxNameLength),
		LastName: m.Field(domain.MaxNameLength), Tags: m.Tags(), Addresses: m.Addresses(),
	}, bcrypt.MinCost, at)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.Create(ctx(t), c, anEvent(application.EventCreated), application.IdempotencyKey{}); err != nil {
		t.Fatal(err)
	}
	size := func() (doc, keys int) {
		t.Helper()
		var raw bson.Raw
		if err := db.Collection(mongodb.CollectionName).FindOne(ctx(t), bson.D{{Key: "_id", Value: c.ID()}}).Decode(&raw); err != nil {
			t.Fatal(err)
		}
		return len(raw), len(raw.Lookup("keys").Value)
	}
	customer, _ := size()

	const writes = 16
	patchAt := func(i int, k application.IdempotencyKey) (*domain.Customer, error) {
		name := fmt.Sprintf("Name-%02d", i)
		p, _ := domain.NewCustomerPatch(domain.CustomerChanges{LastName: &name})
		return repo.Patch(ctx(t), c.ID(), p, nil, k.At, anEvent(application.EventUpdated), k)
	}
	keys := make([]application.IdempotencyKey, writes)
	var last *domain.Customer
	for i := range keys {
		at = at.Add(time.Second)
		keys[i] = application.IdempotencyKey{Subject: "tester", Scope: fmt.Sprintf("tester/key-%d", i), Fingerprint: fmt.Sprint("patch ", i), At: at}
		if last, err = patchAt(i, keys[i]); err != nil {
			t.Fatalf("keyed write %d: %v", i, err)
		}
	}
	doc, kept := size()
	t.Logf("a customer of %d bytes, %d keyed writes: the document %d bytes, its records %d", customer, writes, doc, kept)
	if kept > maxKeptBytes+64<<10 || doc > customer+kept+256<<10 || doc > 8<<20 {
		t.Fatalf("the document holds %d bytes, %d of them records; want the records within %d and the document far below 16 MiB",
			doc, kept, maxKeptBytes)
	}

	at = at.Add(time.Second)
	again, err := patchAt(writes-1, keys[writes-1])
	if err != nil || again.Version() != last.Version() {
		t.Fatalf("a copy of the newest write: %v, version %d; want its answer, version %d", err, again.Version(), last.Version())
	}
	oldest := keys[0]
	oldest.At = at
	wrote, err := patchAt(0, oldest)
	if err != nil || wrote.Version() != last.Version()+1 {
		t.Fatalf("a copy of the oldest write, whose record was dropped: %v; want it to write again, version %d", err, last.Version()+1)
	}
}
