package mongotest

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/adapters/mongodb"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// chargesOfSubjectsThatStoppedWritingGo: the counts a subject's keyed
// writes leave beside the customers go once they leave the window, even
// when that subject never writes again.
func chargesOfSubjectsThatStoppedWritingGo(t *testing.T, client *mongo.Client) {
	db := FreshDatabase(t, client)
	repo := RepositoryOn(t, db)
	if err := repo.EnsureIndexes(ctx(t)); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	keyed := func(subject, email string, at time.Time) {
		t.Helper()
		c, err := domain.NewCustomer(domain.NewCustomerInput{Email: email, Password: "correct horse", FirstName: "Ada", LastName: "Lovelace"}, bcrypt.MinCost, at)
		if err != nil {
			t.Fatal(err)
		}
		k := application.IdempotencyKey{Subject: subject, Scope: subject + "/" + email, Fingerprint: "create " + email, At: at}
		if _, err := repo.Create(ctx(t), c, anEvent(application.EventCreated), k); err != nil {
			t.Fatal(err)
		}
	}
	count := func(subject string) int64 {
		t.Helper()
		n, err := db.Collection(mongodb.ChargesCollection).CountDocuments(ctx(t), bson.D{{Key: "subject", Value: subject}})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	keyed("gone", "ada@example.com", at)
	if count("gone") != 1 {
		t.Fatalf("%d counts of a subject that wrote, want 1", count("gone"))
	}
	keyed("staying", "grace@example.com", at.Add(application.IdempotencyWindow+10*time.Minute))
	if n := count("gone"); n != 0 {
		t.Fatalf("%d counts left of a subject that stopped writing a window ago, want none", n)
	}
}
