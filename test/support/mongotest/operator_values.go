package mongotest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/microbase-io/customer-service/adapters/mongodb"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// operatorLookingValues are strings a MongoDB server would act on if they
// reached it as keys or as query documents rather than as values. The
// domain accepts each as an id or a tag (they are printable text), and
// existing data may hold such ids.
var operatorLookingValues = []string{
	"$ne", "$gt", "$where", "$exists", "$regex", "$in", "$expr", "$$ROOT", "$[]", "$",
	`{"$ne":null}`, `{"$gt":""}`, `{"$where":"sleep(100)"}`,
	"a.b", "addresses.0.city", "this.password", ".*", "^", "null",
}

// operatorLookingValuesArePlainStrings stores customers whose ids, tags
// and emails look like operators, and checks that every lookup by such a
// value finds exactly the customer holding that string: never every
// customer, never another one.
func operatorLookingValuesArePlainStrings(t *testing.T, client *mongo.Client) {
	db := FreshDatabase(t, client)
	repo := RepositoryOn(t, db)
	if err := repo.EnsureIndexes(ctx(t)); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	store := func(id, email string, tags ...string) {
		t.Helper()
		at = at.Add(time.Millisecond)
		c := domain.RestoreCustomer(domain.CustomerSnapshot{
			ID: id, Email: email, PasswordHash: "$2a$04$not.a.real.hash.only.stored", FirstName: "F", LastName: "L",
			Tags: tags, CreatedAt: at, UpdatedAt: at,
		})
		if _, err := repo.Create(ctx(t), c, anEvent(application.EventCreated), application.IdempotencyKey{}); err != nil {
			t.Fatalf("Create(%q): %v", id, err)
		}
	}
	listIDs := func(q application.ListQuery) []string {
		t.Helper()
		q.Limit = 1000
		var ids []string
		if err := repo.List(ctx(t), q, func(c *domain.Customer) error {
			ids = append(ids, c.ID())
			return nil
		}); err != nil {
			t.Fatalf("List(%+v): %v", q, err)
		}
		return ids
	}

	store("plain", "plain@example.com", "VIP")

	// Before any such customer exists, no operator-looking value matches
	// the one that does.
	for _, v := range operatorLookingValues {
		if _, err := repo.Get(ctx(t), v); !errors.Is(err, domain.ErrCustomerNotFound) {
			t.Errorf("Get(%q) = %v, want not found", v, err)
		}
		if ids := listIDs(application.ListQuery{IDs: []string{v}}); len(ids) != 0 {
			t.Errorf("List(id %q) = %v, want nothing", v, ids)
		}
		if ids := listIDs(application.ListQuery{Tags: []string{v}}); len(ids) != 0 {
			t.Errorf("List(tag %q) = %v, want nothing", v, ids)
		}
		if ids := listIDs(application.ListQuery{Emails: []string{v}}); len(ids) != 0 {
			t.Errorf("List(email %q) = %v, want nothing", v, ids)
		}
		if _, err := repo.FindByEmail(ctx(t), v); !errors.Is(err, domain.ErrCustomerNotFound) {
			t.Errorf("FindByEmail(%q) = %v, want not found", v, err)
		}
	}
	// A NUL byte is part of a value, not where it ends.
	for _, q := range []application.ListQuery{
		{IDs: []string{"plain\x00"}}, {Emails: []string{"plain@example.com\x00"}}, {Tags: []string{"VIP\x00"}},
	} {
		if ids := listIDs(q); len(ids) != 0 {
			t.Errorf("List(%+v) = %v, want nothing", q, ids)
		}
	}
	if _, err := repo.FindByEmail(ctx(t), "plain@example.com\x00"); !errors.Is(err, domain.ErrCustomerNotFound) {
		t.Errorf("FindByEmail with a NUL = %v, want not found", err)
	}

	emails := map[string]string{}
	for i, v := range operatorLookingValues {
		// "$" is allowed in the local part of an email.
		emails[v] = "$where" + string(rune('a'+i)) + "@example.com"
		store(v, emails[v], v, "VIP")
	}
	coll := db.Collection(mongodb.CollectionName)
	for _, v := range operatorLookingValues {
		c, err := repo.Get(ctx(t), v)
		if err != nil {
			t.Fatalf("Get(%q): %v", v, err)
		}
		if c.ID() != v || !slices.Equal(c.Snapshot().Tags, []string{v, "VIP"}) {
			t.Errorf("Get(%q) = id %q tags %q, want the values stored", v, c.ID(), c.Snapshot().Tags)
		}
		if ids := listIDs(application.ListQuery{IDs: []string{v}}); !slices.Equal(ids, []string{v}) {
			t.Errorf("List(id %q) = %q, want exactly that customer", v, ids)
		}
		if ids := listIDs(application.ListQuery{Tags: []string{v}}); !slices.Equal(ids, []string{v}) {
			t.Errorf("List(tag %q) = %q, want exactly that customer", v, ids)
		}
		if found, err := repo.FindByEmail(ctx(t), emails[v]); err != nil || found.ID() != v {
			t.Errorf("FindByEmail(%q) = %v, %v; want %q", emails[v], found, err, v)
		}
		var raw struct {
			ID   any   `bson:"_id"`
			Tags []any `bson:"tags"`
		}
		if err := coll.FindOne(ctx(t), bson.D{{Key: "_id", Value: v}}).Decode(&raw); err != nil {
			t.Fatalf("the document of %q: %v", v, err)
		}
		if raw.ID != v || len(raw.Tags) != 2 || raw.Tags[0] != v {
			t.Errorf("stored _id %#v tags %#v, want the plain string %q", raw.ID, raw.Tags, v)
		}
	}
	if ids := listIDs(application.ListQuery{Tags: []string{"VIP"}}); len(ids) != len(operatorLookingValues)+1 {
		t.Fatalf("List(tag VIP) = %d customers, want every one", len(ids))
	}

	// Address fields are values inside an embedded document: stored and
	// read back as written.
	odd := domain.AddressInput{Name: "$set", FirstName: `{"$ne":null}`, Address1: "addresses.$[].city", PostCode: "$where",
		City: "a.b", State: "$$ROOT", Country: "US"}
	if _, err := repo.Update(ctx(t), "plain", application.IdempotencyKey{}, func(c *domain.Customer) (application.NewEvent, error) {
		_, err := c.AddAddresses([]domain.AddressInput{odd}, at.Add(time.Minute))
		return anEvent(application.EventAddressCreated), err
	}); err != nil {
		t.Fatalf("adding an address of operator-looking values: %v", err)
	}
	if c, err := repo.Get(ctx(t), "plain"); err != nil || len(c.Addresses()) != 1 {
		t.Fatalf("after adding the address: %v, %v", c, err)
	} else if a := c.Addresses()[0]; a.Name != odd.Name || a.FirstName != odd.FirstName || a.Address1 != odd.Address1 ||
		a.PostCode != odd.PostCode || a.City != odd.City || a.State != odd.State {
		t.Fatalf("stored address %+v, want the values written", a)
	}

	// Writes aimed at an operator-looking id change that customer alone.
	tags := []string{"$set", "a.b", `{"$unset":""}`}
	for _, v := range operatorLookingValues {
		patch, err := domain.NewCustomerPatch(domain.CustomerChanges{Tags: &tags})
		if err != nil {
			t.Fatal(err)
		}
		patched, err := repo.Patch(ctx(t), v, patch, nil, at.Add(time.Hour), anEvent(application.EventUpdated), application.IdempotencyKey{})
		if err != nil {
			t.Fatalf("Patch(%q): %v", v, err)
		}
		if again, err := repo.Get(ctx(t), v); err != nil || !slices.Equal(again.Snapshot().Tags, tags) || patched.Version() != 1 {
			t.Fatalf("after Patch(%q): %v, %v; want tags %q at version 1", v, again, err, tags)
		}
		if err := repo.Delete(ctx(t), v, anEvent(application.EventRemoved), application.IdempotencyKey{}); err != nil {
			t.Fatalf("Delete(%q): %v", v, err)
		}
		if _, err := repo.Get(ctx(t), v); !errors.Is(err, domain.ErrCustomerNotFound) {
			t.Fatalf("Get(%q) after Delete = %v, want not found", v, err)
		}
	}
	plain, err := repo.Get(ctx(t), "plain")
	if err != nil {
		t.Fatalf("the ordinary customer after the writes: %v", err)
	}
	if plain.Version() != 1 || !slices.Equal(plain.Snapshot().Tags, []string{"VIP"}) {
		t.Fatalf("the ordinary customer was written by the others' writes: version %d tags %q", plain.Version(), plain.Snapshot().Tags)
	}
}
