package mongotest

import (
	"context"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/microbase-io/customer-service/adapters/mongodb"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// RunAdapterChecks runs what only the MongoDB adapter has to get right, on
// top of the repository contract: its indexes and its compatibility with
// the Node.js service's documents, values that look like operators, and
// the bound on what keyed writes leave in a document.
func RunAdapterChecks(t *testing.T, client *mongo.Client) {
	t.Run("EnsureIndexesIsIdempotent", func(t *testing.T) { ensureIndexesIsIdempotent(t, client) })
	t.Run("NodeDocumentsReadAndUpdate", func(t *testing.T) { nodeDocumentsReadAndUpdate(t, client) })
	t.Run("AddressesAreStoredAsTheNodeServiceStoredThem", func(t *testing.T) { addressesAreStoredAsTheNodeServiceStoredThem(t, client) })
	t.Run("OperatorLookingValuesArePlainStrings", func(t *testing.T) { operatorLookingValuesArePlainStrings(t, client) })
	t.Run("KeyedWritesNeverBringADocumentNearItsLimit", func(t *testing.T) { keyedWritesNeverBringADocumentNearItsLimit(t, client) })
	t.Run("ChargesOfSubjectsThatStoppedWritingGo", func(t *testing.T) { chargesOfSubjectsThatStoppedWritingGo(t, client) })
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), OperationTimeout)
	t.Cleanup(cancel)
	return c
}

func ensureIndexesIsIdempotent(t *testing.T, client *mongo.Client) {
	db := FreshDatabase(t, client)
	repo := RepositoryOn(t, db)
	for i := range 3 {
		if err := repo.EnsureIndexes(ctx(t)); err != nil {
			t.Fatalf("EnsureIndexes, run %d: %v", i+1, err)
		}
	}
	specs, err := db.Collection(mongodb.CollectionName).Indexes().ListSpecifications(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	unique := map[string]bool{}
	for _, s := range specs {
		unique[s.Name] = s.Unique != nil && *s.Unique
	}
	if !unique["email_1"] || !unique["passwordToken.hash_1"] || len(specs) != 9 {
		t.Fatalf("indexes %v, want _id_ plus email_1 (unique), status_1, tags_1, createdAt_1__id_1, outboxPending_1, keptUntil_1, passwordToken.hash_1 (unique), keys.scope_1", unique)
	}
}

// nodeDocument is a customer as the Node.js service (mongoose) wrote it:
// no version field, mongoose's __v, a shortid _id.
func nodeDocument() bson.D {
	created := time.Date(2017, 1, 2, 3, 4, 5, 0, time.UTC)
	return bson.D{
		{Key: "_id", Value: "HkhhuXESl"},
		{Key: "email", Value: "john.doe@gmail.com"},
		{Key: "password", Value: "$2a$10$abcdefghijklmnopqrstuuJ4Vm3ZmYt0fhNcXuUa1Oqk4yUCcm2u6"},
		{Key: "firstName", Value: "John"},
		{Key: "lastName", Value: "Doe"},
		{Key: "status", Value: "ACTIVE"},
		{Key: "tags", Value: bson.A{"VIP"}},
		{Key: "addresses", Value: bson.A{bson.D{
			{Key: "name", Value: "Work"}, {Key: "firstName", Value: "John"}, {Key: "address_1", Value: "1650 Bolman Court"},
			{Key: "postCode", Value: "61701"}, {Key: "city", Value: "Bloomington"}, {Key: "state", Value: "Illinois"},
			{Key: "country", Value: "US"}, {Key: "phone", Value: float64(2173203531)}, {Key: "id", Value: "r1h2uQ4rx"},
		}}},
		{Key: "createdAt", Value: created},
		{Key: "updatedAt", Value: created},
		{Key: "__v", Value: int32(0)},
	}
}

func nodeDocumentsReadAndUpdate(t *testing.T, client *mongo.Client) {
	db := FreshDatabase(t, client)
	repo := RepositoryOn(t, db)
	if err := repo.EnsureIndexes(ctx(t)); err != nil {
		t.Fatal(err)
	}
	coll := db.Collection(mongodb.CollectionName)
	if _, err := coll.InsertOne(ctx(t), nodeDocument()); err != nil {
		t.Fatal(err)
	}
	c, err := repo.Get(ctx(t), "HkhhuXESl")
	if err != nil {
		t.Fatal(err)
	}
	s := c.Snapshot()
	if s.Version != 0 || s.Email != "john.doe@gmail.com" || len(s.Addresses) != 1 || s.Addresses[0].ID != "r1h2uQ4rx" ||
		s.Addresses[0].Phone == nil || *s.Addresses[0].Phone != 2173203531 {
		t.Fatalf("read %+v, want the Node.js document at version 0", s)
	}

	zero := int64(0)
	patch, _ := domain.NewCustomerPatch(domain.CustomerChanges{LastName: new("Smith")})
	if _, err := repo.Patch(ctx(t), "HkhhuXESl", patch, &zero, time.Now().UTC(), anEvent(application.EventUpdated), application.IdempotencyKey{}); err != nil {
		t.Fatalf("patch at version 0 of a document without version: %v", err)
	}
	if _, err := repo.Update(ctx(t), "HkhhuXESl", application.IdempotencyKey{}, func(c *domain.Customer) (application.NewEvent, error) {
		return anEvent(application.EventAddressRemoved), c.RemoveAddress("r1h2uQ4rx", time.Now().UTC())
	}); err != nil {
		t.Fatalf("update: %v", err)
	}
	var raw bson.M
	if err := coll.FindOne(ctx(t), bson.D{{Key: "_id", Value: "HkhhuXESl"}}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	if raw["lastName"] != "Smith" || raw["version"] != int64(2) || raw["__v"] != int32(0) ||
		raw["password"] != "$2a$10$abcdefghijklmnopqrstuuJ4Vm3ZmYt0fhNcXuUa1Oqk4yUCcm2u6" {
		t.Fatalf("stored %v, want lastName Smith at version 2, password and __v untouched", raw)
	}
}

// addressesAreStoredAsTheNodeServiceStoredThem: the Node.js service reads
// what this one writes, so an address keeps the names of the MicroBase API,
// a phone is a number, and an optional field not given is absent.
func addressesAreStoredAsTheNodeServiceStoredThem(t *testing.T, client *mongo.Client) {
	db := FreshDatabase(t, client)
	repo := RepositoryOn(t, db)
	c, err := domain.NewCustomer(domain.NewCustomerInput{Email: "ada@example.com", Password: "correct horse", FirstName: "Ada", LastName: "Lovelace",
		Addresses: []domain.AddressInput{{Name: "Work", FirstName: "Ada", Address1: "1650 Bolman Court", PostCode: "61701",
			City: "Bloomington", State: "Illinois", Country: "US", Phone: new(int64(2173203531))}}}, 4, time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.Create(ctx(t), c, anEvent(application.EventCreated), application.IdempotencyKey{}); err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Addresses []bson.D `bson:"addresses"`
	}
	if err := db.Collection(mongodb.CollectionName).FindOne(ctx(t), bson.D{{Key: "_id", Value: c.ID()}}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	want := []string{"name", "firstName", "address_1", "postCode", "city", "state", "country", "phone", "id"}
	if len(raw.Addresses) != 1 {
		t.Fatalf("stored addresses %v, want one", raw.Addresses)
	}
	var names []string
	for _, e := range raw.Addresses[0] {
		names = append(names, e.Key)
		if e.Key == "phone" && e.Value != int64(2173203531) {
			t.Errorf("stored phone %#v, want the number 2173203531", e.Value)
		}
	}
	if !slices.Equal(names, want) {
		t.Errorf("stored address fields %v, want %v", names, want)
	}
}

// anEvent is an event of type t; what its arguments say does not matter
// to these checks.
func anEvent(t application.EventType) application.NewEvent {
	const id = "someone"
	args := map[application.EventType]application.EventArgs{
		application.EventCreated:        application.CustomerCreated{Customer: domain.RestoreCustomer(domain.CustomerSnapshot{ID: id})},
		application.EventUpdated:        application.CustomerUpdated{ID: id},
		application.EventRemoved:        application.CustomerRemoved{ID: id},
		application.EventAddressCreated: application.AddressesAdded{CustomerID: id},
		application.EventAddressUpdated: application.AddressReplaced{CustomerID: id},
		application.EventAddressRemoved: application.AddressRemoved{CustomerID: id},
	}[t]
	return application.NewEvent{ID: domain.NewID(), At: time.Now().UTC(), Args: args}
}
