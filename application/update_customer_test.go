package application_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/sqlitetest"
)

type fixedClock struct{ t time.Time }

func (c *fixedClock) Now() time.Time { c.t = c.t.Add(time.Second); return c.t }

func seed(t *testing.T) (*sqlite.Store, *fixedClock, *domain.Customer) {
	t.Helper()
	repo := sqlitetest.Open(t)
	clock := &fixedClock{t: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
	c, err := newApp(t, repo, clock, bcrypt.MinCost).CreateCustomer.Handle(context.Background(), application.CreateCustomerCommand{Customer: domain.NewCustomerInput{
		Email: "john.doe@gmail.com", Password: "s3cret-pass", FirstName: "John", LastName: "Doe", Tags: []string{"VIP"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return repo, clock, c
}

func TestUpdateCustomer(t *testing.T) {
	tests := []struct {
		name     string
		cmd      func(id string) application.UpdateCustomerCommand
		wantErr  error // a sentinel, or the very error
		problems []string
		check    func(t *testing.T, got domain.CustomerSnapshot)
	}{
		{
			name: "changes only the arguments present",
			cmd: func(id string) application.UpdateCustomerCommand {
				return application.UpdateCustomerCommand{ID: id, Changes: domain.CustomerChanges{LastName: new(" Smith ")}}
			},
			check: func(t *testing.T, got domain.CustomerSnapshot) {
				if got.LastName != "Smith" || got.FirstName != "John" || !slices.Equal(got.Tags, []string{"VIP"}) || got.Version != 1 {
					t.Fatalf("got %+v, want only lastName changed, at version 1", got)
				}
			},
		},
		{
			name: "empty tags clear them",
			cmd: func(id string) application.UpdateCustomerCommand {
				return application.UpdateCustomerCommand{ID: id, Changes: domain.CustomerChanges{Tags: &[]string{}}}
			},
			check: func(t *testing.T, got domain.CustomerSnapshot) {
				if len(got.Tags) != 0 {
					t.Fatalf("tags = %q, want none", got.Tags)
				}
			},
		},
		{
			name: "no arguments returns the customer unchanged",
			cmd: func(id string) application.UpdateCustomerCommand {
				return application.UpdateCustomerCommand{ID: id}
			},
			check: func(t *testing.T, got domain.CustomerSnapshot) {
				if got.Version != 0 {
					t.Fatalf("version = %d, want 0 (nothing written)", got.Version)
				}
			},
		},
		{
			name: "a stale version is a conflict even with nothing to change",
			cmd: func(id string) application.UpdateCustomerCommand {
				return application.UpdateCustomerCommand{ID: id, Version: new(int64(3))}
			},
			wantErr: domain.ErrVersionConflict,
		},
		{
			name: "every bad argument is reported at once",
			cmd: func(string) application.UpdateCustomerCommand {
				return application.UpdateCustomerCommand{ID: "", Version: new(int64(-1)), Changes: domain.CustomerChanges{
					FirstName: new("  "), Status: new("active"),
				}}
			},
			wantErr:  domain.ErrValidation,
			problems: []string{"id: must not be empty", "firstName: must not be empty", "status: must be ACTIVE or INACTIVE", "version: must not be negative"},
		},
		{
			name: "an invalid email has its own error",
			cmd: func(id string) application.UpdateCustomerCommand {
				return application.UpdateCustomerCommand{ID: id, Changes: domain.CustomerChanges{Email: new("John <john@x.com>")}}
			},
			wantErr: &domain.InvalidEmailError{Email: "John <john@x.com>"},
		},
		{
			name: "an unknown id is not found",
			cmd: func(string) application.UpdateCustomerCommand {
				return application.UpdateCustomerCommand{ID: "HkhhuXESl", Changes: domain.CustomerChanges{LastName: new("Smith")}}
			},
			wantErr: domain.ErrCustomerNotFound,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo, clock, c := seed(t)
			uc := application.NewUpdateCustomer(repo, clock)
			got, err := uc.Handle(context.Background(), tt.cmd(c.ID()))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) && !reflect.DeepEqual(err, tt.wantErr) {
					t.Fatalf("error = %v, want %v", err, tt.wantErr)
				}
				var ve *domain.ValidationError
				if tt.problems != nil && (!errors.As(err, &ve) || !slices.Equal(ve.Messages(), tt.problems)) {
					t.Fatalf("problems = %v, want %v", err, tt.problems)
				}
				stored, _ := repo.Get(context.Background(), c.ID())
				if stored.Version() != 0 {
					t.Fatalf("a failed update wrote version %d", stored.Version())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, got.Snapshot())
			stored, _ := repo.Get(context.Background(), c.ID())
			tt.check(t, stored.Snapshot())
		})
	}
}

func TestCreateCustomerKeepsOnlyABcryptHash(t *testing.T) {
	_, _, c := seed(t)
	hash := c.Snapshot().PasswordHash
	if string(hash) == "s3cret-pass" || bcrypt.CompareHashAndPassword([]byte(hash), []byte("s3cret-pass")) != nil {
		t.Fatalf("stored password %q is not a bcrypt hash of the password", hash)
	}
}

func TestCreateCustomerRefusesATakenEmailInAnyCase(t *testing.T) {
	repo, clock, _ := seed(t)
	_, err := newApp(t, repo, clock, bcrypt.MinCost).CreateCustomer.Handle(context.Background(), application.CreateCustomerCommand{Customer: domain.NewCustomerInput{
		Email: " John.DOE@gmail.com", Password: "another-pass", FirstName: "J", LastName: "D",
	}})
	if !errors.Is(err, domain.ErrDuplicateEmail) {
		t.Fatalf("error = %v, want duplicate email", err)
	}
}

func TestGetCustomerChecksTheIDBeforeTheStore(t *testing.T) {
	repo, _, c := seed(t)
	uc := application.NewGetCustomer(repo)
	if _, err := uc.Handle(context.Background(), application.GetCustomerQuery{ID: "bad\x00id"}); !errors.Is(err, domain.ErrValidation) {
		t.Fatalf("error = %v, want validation error", err)
	}
	got, err := uc.Handle(context.Background(), application.GetCustomerQuery{ID: c.ID()})
	if err != nil || got.Email() != "john.doe@gmail.com" {
		t.Fatalf("Get = %v, %v", got, err)
	}
}
