package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

func storedIDs(t *testing.T, s application.MigrationSource) []string {
	t.Helper()
	var ids []string
	if err := s.EachStored(context.Background(), func(c application.StoredCustomer) error {
		ids = append(ids, c.Customer.ID())
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return ids
}

func customerNamed(id string) *domain.Customer {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return domain.RestoreCustomer(domain.CustomerSnapshot{ID: id, Email: id + "@example.com", PasswordHash: "$2a$04$x",
		FirstName: "Ada", LastName: "Lovelace", Status: "ACTIVE", CreatedAt: at, UpdatedAt: at})
}

// A source is read as it is: its file is not written, its schema not
// brought up to date, and a walk over it meets every customer by id,
// across pages.
func TestASourceIsReadWithoutWritingItsFile(t *testing.T) {
	dir := t.TempDir()
	opts := planOptions(t)
	opts.DataDir = dir
	store, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range storedPage*2 + 1 {
		id := fmt.Sprintf("c%03d", i)
		if _, err := store.Create(context.Background(), customerNamed(id), application.NewEvent{}, application.IdempotencyKey{}); err != nil {
			t.Fatal(err)
		}
		want = append(want, id)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, FileName)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	src, err := OpenSource(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	got := storedIDs(t, src)
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("the walk met %v, want %v", got, want)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("reading the source changed its file")
	}
}

// A backup of an older schema is read: a customer's columns have not
// changed since the first.
func TestASourceOfAnOlderSchemaIsRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, m := range migrations[:1] {
		if _, err := db.Exec(m); err != nil {
			t.Fatal(err)
		}
	}
	r := toRow(customerNamed("old"))
	if _, err := db.Exec(`PRAGMA user_version = 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(insertCustomer, r.id, r.email, r.password, r.firstName, r.lastName, r.status, r.tags, r.addresses,
		r.version, r.createdAt, r.updatedAt); err != nil {
		t.Fatal(err)
	}
	src, err := OpenSource(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if got := storedIDs(t, src); len(got) != 1 || got[0] != "old" {
		t.Errorf("the walk met %v, want the one customer", got)
	}
}

// What is no store's file is refused, with a message that says why and
// names it.
func TestASourceThatIsNoStoresFileIsRefused(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, content []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, content, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	schema := func(name string, version int) string {
		p := filepath.Join(dir, name)
		db, err := sql.Open("sqlite", "file:"+p)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, version)); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct{ name, path, want string }{
		{"missing", filepath.Join(dir, "missing.db"), "no database file"},
		{"a directory without a store", t.TempDir(), "no database file"},
		{"empty", write("empty.db", nil), "empty"},
		{"not a database", write("text.db", bytes.Repeat([]byte("not a database "), 512)), "damaged"},
		{"no schema", schema("blank.db", 0), "no customer store"},
		{"a newer schema", schema("newer.db", len(migrations)+1), "newer than this service knows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := OpenSource(context.Background(), tt.path)
			if err == nil {
				src.Close()
				t.Fatal("opened")
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), filepath.Base(tt.path)) {
				t.Errorf("the error %q does not say %q and name the file", err, tt.want)
			}
		})
	}
}
