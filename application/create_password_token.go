package application

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/microbase-io/customer-service/domain"
)

// CreatePasswordTokenCommand is a customer.createPasswordToken call.
type CreatePasswordTokenCommand struct {
	Email  string
	Unread []domain.Problem
}

// PasswordTokenGrant is a new reset token, for the caller to hand to the
// customer: the only time it exists outside the customer's hands, the
// store keeping its hash alone. It prints without the token.
type PasswordTokenGrant struct {
	Token     string
	ExpiresAt time.Time
}

func (g PasswordTokenGrant) String() string {
	return fmt.Sprintf("{Token:<redacted> ExpiresAt:%s}", g.ExpiresAt.Format(time.RFC3339))
}
func (g PasswordTokenGrant) GoString() string { return "application.PasswordTokenGrant" + g.String() }

// CreatePasswordToken answers customer.createPasswordToken: a token that
// resets the password of the active customer with that email, once,
// within the token lifetime, and in place of any token made before; a
// *domain.EmailNotFoundError for an email no active customer has. It is
// not a change of the customer: no version, no event, and no
// Idempotency-Key, as a copy of the answer would keep the token.
type CreatePasswordToken interface {
	Handle(ctx context.Context, cmd CreatePasswordTokenCommand) (PasswordTokenGrant, error)
}

type createPasswordToken struct{ p *passwords }

func (uc createPasswordToken) Handle(ctx context.Context, cmd CreatePasswordTokenCommand) (PasswordTokenGrant, error) {
	if err := domain.WithUnread(cmd.Unread, domain.CheckGiven("email", cmd.Email)); err != nil {
		return PasswordTokenGrant{}, err
	}
	email, err := domain.NormalizeEmail(cmd.Email)
	if err != nil {
		return PasswordTokenGrant{}, &domain.EmailNotFoundError{Email: cmd.Email}
	}
	c, err := uc.p.repo.FindByEmail(ctx, email)
	switch {
	case err == nil && c.Status() != domain.StatusActive:
		return PasswordTokenGrant{}, &domain.EmailNotFoundError{Email: email}
	case err != nil:
		return PasswordTokenGrant{}, notFoundByEmail(err, email)
	}
	now := uc.p.clock.Now()
	token, kept := domain.NewPasswordToken(now, uc.p.tokenTTL)
	if err := uc.p.repo.SavePasswordToken(ctx, c.ID(), kept); err != nil {
		return PasswordTokenGrant{}, notFoundByEmail(err, email)
	}
	return PasswordTokenGrant{Token: token, ExpiresAt: kept.ExpiresAt}, nil
}

// notFoundByEmail names the email a customer was looked for by.
func notFoundByEmail(err error, email string) error {
	if errors.Is(err, domain.ErrCustomerNotFound) {
		return &domain.EmailNotFoundError{Email: email}
	}
	return err
}
