package workload

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/microbase-io/customer-service/adapters/mongodb"
	"github.com/microbase-io/customer-service/test/servicetest"
)

// createCustomers creates n customers, emails from email(i), spreading the
// calls over apis. Call it from the test's goroutine.
func createCustomers(t *testing.T, caller *Caller, apis []servicetest.Client, n int, email func(int) string) []Customer {
	t.Helper()
	created := make([]Customer, n)
	for i := range created {
		r := caller.Call(t.Context(), apis[i%len(apis)], "customer.create", map[string]any{
			"email": email(i), "password": "s3cret-pass", "firstName": "Initial", "lastName": fmt.Sprintf("Customer %02d", i),
		})
		c, err := r.Customer()
		if err != nil {
			t.Fatalf("creating customer %d: %v (%s)", i, err, r.Raw)
		}
		created[i] = c
	}
	return created
}

// StoredCustomer reads a customer straight from the collection, bypassing
// the service, as it would be found after every instance is gone.
func StoredCustomer(ctx context.Context, db *mongo.Database, id string) (Customer, error) {
	var doc struct {
		Email     string   `bson:"email"`
		FirstName string   `bson:"firstName"`
		LastName  string   `bson:"lastName"`
		Status    string   `bson:"status"`
		Tags      []string `bson:"tags"`
		Version   int64    `bson:"version"`
	}
	err := db.Collection(mongodb.CollectionName).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Customer{}, fmt.Errorf("customer %s is not in the database", id)
	}
	if err != nil {
		return Customer{}, fmt.Errorf("reading customer %s from the database: %w", id, err)
	}
	return Customer{ID: id, Email: doc.Email, FirstName: doc.FirstName, LastName: doc.LastName,
		Status: doc.Status, Tags: doc.Tags, Version: doc.Version}, nil
}
