package application

import (
	"context"
	"errors"
	"fmt"

	"github.com/microbase-io/customer-service/domain"
)

// Credentials are a customer's sign-in attempt. They print without the
// password, so that no log line or error message can carry it by accident.
type Credentials struct {
	Email    string
	Password string
	Unread   []domain.Problem
}

func (c Credentials) String() string   { return fmt.Sprintf("{Email:%q Password:<redacted>}", c.Email) }
func (c Credentials) GoString() string { return "application.Credentials" + c.String() }

// validate refuses an empty email or password: a malformed call, which
// says nothing about any account.
func (c Credentials) validate() error {
	var problems []domain.Problem
	if c.Email == "" {
		problems = append(problems, domain.Problem{Field: "email", Message: "must not be empty"})
	}
	if c.Password == "" {
		problems = append(problems, domain.Problem{Field: "password", Message: "must not be empty"})
	}
	if len(problems) > 0 {
		return &domain.ValidationError{Problems: problems}
	}
	return nil
}

// CheckCredentials answers customer.checkCredentials: nil when the email
// belongs to an active customer whose password it is, domain.ErrBadCredentials
// otherwise.
type CheckCredentials interface {
	Handle(ctx context.Context, cred Credentials) error
}

type checkCredentials struct {
	repo CustomerRepository
	// decoy stands in for the customer when the email finds none: an
	// inactive customer whose hash, made at the configured cost, matches
	// no password. Checking a password against it costs the same bcrypt
	// work as against a real customer, so the answer's timing does not
	// tell whether an email is registered.
	decoy *domain.Customer
	// authenticate is (*domain.Customer).Authenticate; tests wrap it to
	// see which customer a password was checked against.
	authenticate func(*domain.Customer, string) error
}

// NewCheckCredentials hashes the decoy's random password at bcryptCost,
// once, here.
func NewCheckCredentials(repo CustomerRepository, bcryptCost int) (CheckCredentials, error) {
	hash, err := domain.HashPassword(domain.NewID(), bcryptCost)
	if err != nil {
		return nil, fmt.Errorf("decoy password hash: %w", err)
	}
	decoy := domain.RestoreCustomer(domain.CustomerSnapshot{
		Status:       domain.StatusInactive.String(),
		PasswordHash: hash,
	})
	return checkCredentials{repo: repo, decoy: decoy, authenticate: (*domain.Customer).Authenticate}, nil
}

// Handle refuses what validate refuses. Every other failure is
// domain.ErrBadCredentials after one bcrypt comparison: an email that is
// not valid, one nobody has, a wrong password, an inactive customer and a
// password longer than domain.MaxPasswordBytes alike. The rest of the
// password policy of customer.create is not applied: customers of the
// Node.js service may have older passwords.
func (uc checkCredentials) Handle(ctx context.Context, cred Credentials) error {
	if err := domain.WithUnread(cred.Unread, cred.validate()); err != nil {
		return err
	}
	c := uc.decoy
	if email, err := domain.NormalizeEmail(cred.Email); err == nil {
		found, err := uc.repo.FindByEmail(ctx, email)
		switch {
		case err == nil:
			c = found
		case !errors.Is(err, domain.ErrCustomerNotFound):
			return err
		}
	}
	err := uc.authenticate(c, cred.Password)
	// bcrypt compares only the first 72 bytes, so a longer password would
	// pass on its prefix alone. Refused after the comparison, so that it
	// takes as long as any other answer.
	if err == nil && len(cred.Password) > domain.MaxPasswordBytes {
		return domain.ErrBadCredentials
	}
	return err
}
