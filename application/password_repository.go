package application

import (
	"context"
	"time"

	"github.com/microbase-io/customer-service/domain"
)

// PasswordRepository keeps, with each customer, what its password needs
// besides the hash: its failed sign-ins (domain.LoginAttempts), which
// every instance on the store shares, and the one token that may reset it
// (domain.PasswordToken). CustomerRepository includes it. Every method is
// atomic on one customer and honours the context's deadline; a removed
// customer has neither.
type PasswordRepository interface {
	// LoginAttempts returns the customer's failed sign-ins since its last
	// success; none for a customer that does not exist.
	LoginAttempts(ctx context.Context, id string) (domain.LoginAttempts, error)

	// CountLoginAttempt counts a sign-in attempt of the customer, made at
	// now, as failed under rule (rule.Fail), in one atomic step, unless
	// the customer is locked out at now: then it writes nothing and
	// counted is false. It returns the attempts as it left them.
	// Concurrent attempts, on any instance, each count: no more than
	// rule.MaxFailures attempts are ever counted in a row.
	CountLoginAttempt(ctx context.Context, id string, rule domain.LockoutRule, now time.Time) (attempts domain.LoginAttempts, counted bool, err error)

	// ClearLoginAttempts forgets the customer's failed sign-ins: it
	// signed in.
	ClearLoginAttempts(ctx context.Context, id string) error

	// Rehash replaces the customer's password hash, if it is still old,
	// by new, in one atomic step, and changes nothing else: no version,
	// no updatedAt, no event. It reports whether it did: a hash that
	// changed in between is never overwritten.
	Rehash(ctx context.Context, id string, old, new domain.PasswordHash) (bool, error)

	// SetPassword is Update for a change that sets the customer's password
	// (domain.Customer.SetPassword): what change did is stored with its
	// event and key, the password hash with it, and in the same atomic
	// step the customer's token and failed sign-ins are forgotten.
	SetPassword(ctx context.Context, id string, key IdempotencyKey, change func(*domain.Customer) (NewEvent, error)) (*domain.Customer, error)

	// SavePasswordToken makes t the customer's token, in place of any
	// other it had: the older one stops working at once.
	// domain.ErrCustomerNotFound when there is no such customer.
	SavePasswordToken(ctx context.Context, id string, t domain.PasswordToken) error

	// FindPasswordToken returns the customer whose token has that hash
	// and works at now; domain.ErrPasswordTokenInvalid when none has.
	FindPasswordToken(ctx context.Context, tokenHash string, now time.Time) (*domain.Customer, error)

	// ResetPassword is SetPassword for the customer whose token has that
	// hash, in one atomic step that also uses the token up: when no
	// token with that hash works at now, nothing is written and the
	// answer is domain.ErrPasswordTokenInvalid, so that of two resets
	// with one token, on any instance, exactly one writes.
	ResetPassword(ctx context.Context, tokenHash string, now time.Time, key IdempotencyKey, change func(*domain.Customer) (NewEvent, error)) (*domain.Customer, error)

	// Replay returns the result a keyed write recorded under key, as the
	// writes do before writing (done), or ErrIdempotencyKeyReused; not
	// done when the store holds no live record of key. It writes
	// nothing: a password call looks its key up before checking a
	// password that its first write may have changed.
	Replay(ctx context.Context, key IdempotencyKey) (result *domain.Customer, done bool, err error)
}
