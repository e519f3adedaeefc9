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

// CheckCredentials answers customer.checkCredentials: nil when the email
// belongs to an active customer whose password it is,
// domain.ErrBadCredentials otherwise, LockedOutError while the email is
// locked out.
type CheckCredentials interface {
	Handle(ctx context.Context, cred Credentials) error
}

type checkCredentials struct{ p *passwords }

// Handle refuses an empty email or password: a malformed call, which says
// nothing about any account. Every other failure is
// domain.ErrBadCredentials after one bcrypt comparison (see passwords.check),
// or LockedOutError after none. An email that is not valid is one nobody
// has. The rest of the password policy of customer.create is not
// applied: customers of the Node.js service may have older passwords. A
// success forgets the email's failed sign-ins, and renews a hash of
// another cost than the configured one.
func (uc checkCredentials) Handle(ctx context.Context, cred Credentials) error {
	if err := domain.WithUnread(cred.Unread, domain.CheckGiven("email", cred.Email), domain.CheckGiven("password", cred.Password)); err != nil {
		return err
	}
	var (
		c        *domain.Customer
		attempts domain.LoginAttempts
	)
	email, err := domain.NormalizeEmail(cred.Email)
	if err == nil {
		c, err = uc.p.repo.FindByEmail(ctx, email)
	} else {
		email, err = cred.Email, &domain.CustomerNotFoundError{}
	}
	switch {
	case err == nil:
		attempts, err = uc.p.repo.LoginAttempts(ctx, c.ID())
	case errors.Is(err, domain.ErrCustomerNotFound):
		// Read as a known email's attempts are read, so that a locked-out
		// email answers as fast whether anybody has it.
		if _, err = uc.p.repo.LoginAttempts(ctx, uc.p.decoy.ID()); err == nil {
			c, attempts = nil, uc.p.unknown.attempts(email)
		}
	}
	if err != nil {
		return err
	}
	if err := uc.p.check(ctx, c, attempts, email, cred.Password); err != nil {
		return err
	}
	// The attempt was counted as failed before the comparison.
	if err := uc.p.repo.ClearLoginAttempts(ctx, c.ID()); err != nil {
		return err
	}
	uc.p.rehash(ctx, c, cred.Password)
	return nil
}
