package application

import (
	"context"
	"errors"
	"fmt"

	"github.com/microbase-io/customer-service/domain"
)

// ChangePasswordCommand is a customer.changePassword call. It prints
// without the passwords.
type ChangePasswordCommand struct {
	ID              string
	CurrentPassword string
	NewPassword     string
	Unread          []domain.Problem
	Key             IdempotencyKey
}

func (c ChangePasswordCommand) String() string {
	return fmt.Sprintf("{ID:%q CurrentPassword:<redacted> NewPassword:<redacted>}", c.ID)
}
func (c ChangePasswordCommand) GoString() string {
	return "application.ChangePasswordCommand" + c.String()
}

// ChangePassword answers customer.changePassword: the customer with its
// new password, a write like any other (version and updatedAt bumped, a
// PASSWORD_CHANGE event); domain.ErrBadCredentials for a wrong current
// password or an inactive customer, as CheckCredentials answers it, after
// the same bcrypt work; LockedOutError while the customer's email is
// locked out; domain.ErrCustomerNotFound for an unknown id.
type ChangePassword interface {
	Handle(ctx context.Context, cmd ChangePasswordCommand) (*domain.Customer, error)
}

type changePassword struct{ p *passwords }

// errPasswordMoved is what the change of a call returns when the
// customer's hash is no longer the one its current password was checked
// against; the call checks it again.
var errPasswordMoved = errors.New("the password hash changed since it was checked")

// Handle checks the current password as a sign-in does (it counts
// towards the lockout), then hashes the new one, and writes it only if
// the customer's hash is still the one checked: a change or a reset that
// landed in between makes it check again, against the new hash.
func (uc changePassword) Handle(ctx context.Context, cmd ChangePasswordCommand) (*domain.Customer, error) {
	if err := domain.WithUnread(cmd.Unread, domain.CheckID("id", cmd.ID), domain.CheckGiven("currentPassword", cmd.CurrentPassword),
		domain.CheckNewPassword("newPassword", cmd.NewPassword)); err != nil {
		return nil, err
	}
	if first, done, err := uc.p.replay(ctx, cmd.Key); done {
		return first, err
	}
	c, err := uc.p.repo.Get(ctx, cmd.ID)
	if err != nil {
		return nil, err
	}
	attempts, err := uc.p.repo.LoginAttempts(ctx, c.ID())
	if err != nil {
		return nil, err
	}
	if err := uc.p.check(ctx, c, attempts, c.Email(), cmd.CurrentPassword); err != nil {
		return nil, err
	}
	hash, err := uc.p.hash(ctx, cmd.NewPassword)
	if err != nil {
		return nil, err
	}
	for {
		checked := c.PasswordHash()
		now := uc.p.clock.Now()
		out, err := uc.p.repo.SetPassword(ctx, cmd.ID, cmd.Key.madeAt(now), func(c *domain.Customer) (NewEvent, error) {
			if c.PasswordHash() != checked {
				return NewEvent{}, errPasswordMoved
			}
			c.SetPassword(hash, now)
			return passwordChanged(c, now), nil
		})
		if !errors.Is(err, errPasswordMoved) {
			return out, err
		}
		if c, err = uc.p.repo.Get(ctx, cmd.ID); err != nil {
			return nil, err
		}
		if err := uc.p.compare(ctx, c, cmd.CurrentPassword); err != nil {
			return nil, err
		}
	}
}
