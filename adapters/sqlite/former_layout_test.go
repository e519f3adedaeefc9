package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/internal/compressed"
	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// A file whose rows and keyed-write records were written in the layout
// earlier versions wrote (an address's id first; a result's times in
// milliseconds) reads as it did: no migration rewrites them.
func TestRowsAndRecordsInTheFormerLayoutRead(t *testing.T) {
	dir := t.TempDir()
	if err := openStore(t, dir).Close(); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 5, 1, 10, 11, 12, 345_000_000, time.UTC)
	addresses := `[{"id":"a1","name":"Work","firstName":"Ada","address_1":"1 Main St","postCode":"1000",` +
		`"city":"Brussels","state":"Brussels","country":"BE","phone":2173203531}]`
	result := `{"id":"c1","email":"ada@example.com","firstName":"Ada","lastName":"Lovelace","status":"ACTIVE",` +
		`"tags":["VIP"],"addresses":` + addresses + `,"version":3,"createdAt":1777630272345,"updatedAt":1777630272345}`
	key := application.IdempotencyKey{Subject: "tester", Scope: "tester/key-1", Fingerprint: "add an address", At: at}

	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlite.FileName)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	packed := compressed.Pack([]byte(result))
	for _, q := range []struct {
		query string
		args  []any
	}{
		{`INSERT INTO customers (id, email, password, first_name, last_name, status, tags, addresses, version, created_at, updated_at)
			VALUES ('c1', 'ada@example.com', '$2a$10$hash', 'Ada', 'Lovelace', 'ACTIVE', '["VIP"]', ?, 3, ?, ?)`,
			[]any{addresses, at.UnixMilli(), at.UnixMilli()}},
		{`INSERT INTO idempotency_keys (scope, subject, fingerprint, at, bytes, result) VALUES (?, ?, ?, ?, ?, ?)`,
			[]any{key.Scope, key.Subject, key.Fingerprint, at.UnixMilli(), application.KeyRecordBytes(packed), packed}},
	} {
		if _, err := db.Exec(q.query, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s := openStore(t, dir)
	c, err := s.Get(context.Background(), "c1")
	if err != nil {
		t.Fatal(err)
	}
	want := domain.Address{ID: "a1", AddressInput: domain.AddressInput{Name: "Work", FirstName: "Ada", Address1: "1 Main St",
		PostCode: "1000", City: "Brussels", State: "Brussels", Country: "BE", Phone: new(int64(2173203531))}}
	if got := c.Addresses(); len(got) != 1 || !got[0].Equal(want) {
		t.Errorf("addresses %+v, want %+v", got, want)
	}

	key.At = at.Add(time.Minute)
	first, err := s.Update(context.Background(), "c1", key, func(*domain.Customer) (application.NewEvent, error) {
		t.Error("a write sent again ran again")
		return application.NewEvent{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	answer, err := json.Marshal(jsonview.FromCustomer(first))
	if err != nil {
		t.Fatal(err)
	}
	wantAnswer := `{"email":"ada@example.com","firstName":"Ada","lastName":"Lovelace","status":"ACTIVE","tags":["VIP"],` +
		`"addresses":[{"name":"Work","firstName":"Ada","address_1":"1 Main St","postCode":"1000","city":"Brussels",` +
		`"state":"Brussels","country":"BE","phone":2173203531,"id":"a1"}],"id":"c1","version":3,` +
		`"createdAt":"2026-05-01T10:11:12.345Z","updatedAt":"2026-05-01T10:11:12.345Z"}`
	if string(answer) != wantAnswer {
		t.Errorf("replayed\n got %s\nwant %s", answer, wantAnswer)
	}
}
