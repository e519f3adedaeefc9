package mongodb

import (
	"encoding/json"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/microbase-io/customer-service/adapters/internal/compressed"
	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/application"
)

const keptAnswer = `{"email":"ada@example.com","firstName":"Ada","lastName":"Lovelace","status":"ACTIVE","tags":["VIP"],` +
	`"addresses":[{"name":"Work","firstName":"Ada","address_1":"1 Main St","postCode":"1000","city":"Brussels",` +
	`"state":"Brussels","country":"BE","phone":2173203531,"id":"a1"}],"id":"c1","version":3,` +
	`"createdAt":"2026-05-01T10:11:12.345Z","updatedAt":"2026-05-01T10:11:12.345Z"}`

// A record's result replays as the first answer, whether the record keeps
// it as the answer or, as records of earlier versions do within their
// window, as the stored form.
func TestARecordReplaysTheFirstAnswerInEitherForm(t *testing.T) {
	at := time.Date(2026, 5, 1, 10, 11, 12, 345_000_000, time.UTC)
	stored, err := bson.Marshal(bson.D{
		{Key: "_id", Value: "c1"}, {Key: "email", Value: "ada@example.com"}, {Key: "password", Value: ""},
		{Key: "firstName", Value: "Ada"}, {Key: "lastName", Value: "Lovelace"}, {Key: "status", Value: "ACTIVE"},
		{Key: "tags", Value: bson.A{"VIP"}},
		{Key: "addresses", Value: bson.A{bson.D{
			{Key: "id", Value: "a1"}, {Key: "name", Value: "Work"}, {Key: "firstName", Value: "Ada"},
			{Key: "address_1", Value: "1 Main St"}, {Key: "postCode", Value: "1000"}, {Key: "city", Value: "Brussels"},
			{Key: "state", Value: "Brussels"}, {Key: "country", Value: "BE"}, {Key: "phone", Value: int64(2173203531)},
		}}},
		{Key: "version", Value: int64(3)}, {Key: "createdAt", Value: at}, {Key: "updatedAt", Value: at},
	})
	if err != nil {
		t.Fatal(err)
	}
	var answer jsonview.Customer
	if err := json.Unmarshal([]byte(keptAnswer), &answer); err != nil {
		t.Fatal(err)
	}
	c := answer.ToDomain()
	key := application.IdempotencyKey{Subject: "tester", Scope: "tester/key-1", Fingerprint: "create", At: at}
	tests := []struct {
		name   string
		packed []byte
	}{
		{"as the answer", record(key, c).Result},
		{"as the stored form", compressed.Pack(stored)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := result(tt.packed)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(jsonview.FromCustomer(got))
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != keptAnswer {
				t.Errorf("replayed\n got %s\nwant %s", b, keptAnswer)
			}
		})
	}
}
