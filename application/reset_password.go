package application

import (
	"context"
	"errors"

	"github.com/microbase-io/customer-service/domain"
)

// ResetPasswordCommand is a customer.resetPassword call. It prints
// without the token and the password.
type ResetPasswordCommand struct {
	Token       string
	NewPassword string
	Unread      []domain.Problem
	Key         IdempotencyKey
}

func (c ResetPasswordCommand) String() string {
	return "{Token:<redacted> NewPassword:<redacted>}"
}
func (c ResetPasswordCommand) GoString() string {
	return "application.ResetPasswordCommand" + c.String()
}

// ResetPassword answers customer.resetPassword: the customer with its new
// password, a write like any other, which uses the token up and lifts a
// lockout; domain.ErrPasswordTokenInvalid for a token that is unknown,
// used, expired, superseded or of a customer no longer active, alike.
type ResetPassword interface {
	Handle(ctx context.Context, cmd ResetPasswordCommand) (*domain.Customer, error)
}

type resetPassword struct{ p *passwords }

// Handle looks the token up before hashing the new password, so that a
// token that works nowhere costs no bcrypt work; the store then checks it
// again, uses it up and writes in one atomic step.
func (uc resetPassword) Handle(ctx context.Context, cmd ResetPasswordCommand) (*domain.Customer, error) {
	if err := domain.WithUnread(cmd.Unread, domain.CheckPasswordToken("token", cmd.Token), domain.CheckNewPassword("newPassword", cmd.NewPassword)); err != nil {
		return nil, err
	}
	if first, done, err := uc.p.replay(ctx, cmd.Key); done {
		return first, err
	}
	tokenHash := domain.HashPasswordToken(cmd.Token)
	c, err := uc.p.repo.FindPasswordToken(ctx, tokenHash, uc.p.clock.Now())
	if err != nil {
		return nil, err
	}
	if c.Status() != domain.StatusActive {
		return nil, domain.ErrPasswordTokenInvalid
	}
	hash, err := uc.p.hash(ctx, cmd.NewPassword)
	if err != nil {
		return nil, err
	}
	now := uc.p.clock.Now()
	out, err := uc.p.repo.ResetPassword(ctx, tokenHash, now, cmd.Key.madeAt(now), func(c *domain.Customer) (NewEvent, error) {
		if c.Status() != domain.StatusActive {
			return NewEvent{}, domain.ErrPasswordTokenInvalid
		}
		c.SetPassword(hash, now)
		return passwordChanged(c, now), nil
	})
	if errors.Is(err, domain.ErrCustomerNotFound) {
		// Removed since the token was looked up.
		return nil, domain.ErrPasswordTokenInvalid
	}
	return out, err
}
