package application

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/microbase-io/customer-service/domain"
)

// DefaultPasswordTokenTTL is how long a reset token works when Settings
// says nothing.
const DefaultPasswordTokenTTL = 15 * time.Minute

// Settings configure the use cases. A zero field takes its default.
type Settings struct {
	// BcryptCost is the cost of the password hashes the service makes.
	BcryptCost int
	// BcryptSlots is how many bcrypt computations may run at once;
	// default defaultBcryptSlots.
	BcryptSlots int
	// Lockout is the defence against guessing; default
	// DefaultLoginMaxFailures failures within DefaultLoginLockout.
	Lockout domain.LockoutRule
	// UnknownEmails bounds the lockout table of emails nobody has;
	// default DefaultUnknownEmails.
	UnknownEmails int
	// PasswordTokenTTL is how long a reset token works; default
	// DefaultPasswordTokenTTL.
	PasswordTokenTTL time.Duration
	// Observer hears how the password work is bounded; nil, nobody.
	Observer PasswordObserver
}

func (s Settings) withDefaults() Settings {
	orDefault(&s.Lockout.MaxFailures, DefaultLoginMaxFailures)
	orDefault(&s.Lockout.Window, DefaultLoginLockout)
	orDefault(&s.BcryptSlots, defaultBcryptSlots())
	orDefault(&s.UnknownEmails, DefaultUnknownEmails)
	orDefault(&s.PasswordTokenTTL, DefaultPasswordTokenTTL)
	if s.Observer == nil {
		s.Observer = noObserver{}
	}
	return s
}

// orDefault sets *v, a setting left zero (or negative), to def.
func orDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// passwords is what the use cases that hash or check a password share:
// one set of bcrypt slots, the stand-in for unknown emails and their
// lockout table.
type passwords struct {
	repo     CustomerRepository
	clock    Clock
	cost     int
	rule     domain.LockoutRule
	tokenTTL time.Duration
	slots    *bcryptSlots
	unknown  *unknownEmails
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

// newPasswords hashes the decoy's random password, once, here.
func newPasswords(repo CustomerRepository, clock Clock, s Settings) (*passwords, error) {
	s = s.withDefaults()
	p := &passwords{
		repo: repo, clock: clock, cost: s.BcryptCost, rule: s.Lockout, tokenTTL: s.PasswordTokenTTL,
		slots:        newBcryptSlots(s.BcryptSlots, s.Observer),
		unknown:      newUnknownEmails(s.UnknownEmails, s.Observer),
		authenticate: (*domain.Customer).Authenticate,
	}
	hash, err := p.hash(context.Background(), domain.NewID())
	if err != nil {
		return nil, fmt.Errorf("decoy password hash: %w", err)
	}
	p.decoy = domain.RestoreCustomer(domain.CustomerSnapshot{
		Status:       domain.StatusInactive.String(),
		PasswordHash: hash,
	})
	return p, nil
}

// hash hashes plain at the configured cost, in a bcrypt slot.
func (p *passwords) hash(ctx context.Context, plain string) (h domain.PasswordHash, err error) {
	err = p.slots.run(ctx, func() (err error) { h, err = domain.HashPassword(plain, p.cost); return err })
	return h, err
}

// check is one sign-in attempt with password against c, the customer
// known by email, with its failed sign-ins (c nil: nobody has the email):
// nil when it is an active customer's password; LockedOutError, without
// checking, when the email is locked out; domain.ErrBadCredentials after
// one bcrypt comparison otherwise, an unknown email, a wrong password,
// an inactive customer and a password longer than
// domain.MaxPasswordBytes alike. The attempt counts as failed unless it
// succeeds (and the caller then clears it).
//
// The attempt is counted in its bcrypt slot, just before the comparison,
// so that of attempts racing on any number of instances no more than the
// rule allows are ever compared, and an attempt that finds no slot counts
// for nothing.
func (p *passwords) check(ctx context.Context, c *domain.Customer, attempts domain.LoginAttempts, email, password string) error {
	if left, locked := attempts.LockedOut(p.clock.Now()); locked {
		return lockedOut(left)
	}
	target := c
	if target == nil {
		target = p.decoy
	}
	err := p.slots.run(ctx, func() (err error) {
		now := p.clock.Now()
		var counted bool
		if c != nil {
			attempts, counted, err = p.repo.CountLoginAttempt(ctx, c.ID(), p.rule, now)
			if errors.Is(err, domain.ErrCustomerNotFound) {
				// Removed since it was read: nobody has the email now.
				c, target, err = nil, p.decoy, nil
			}
		}
		if c == nil {
			attempts, counted = p.unknown.count(email, p.rule, now)
		}
		switch {
		case err != nil:
			return err
		case !counted:
			left, _ := attempts.LockedOut(now)
			return lockedOut(left)
		}
		return p.authenticate(target, password)
	})
	// bcrypt compares only the first 72 bytes, so a longer password would
	// pass on its prefix alone. Refused after the comparison, so that it
	// takes as long as any other answer.
	if err == nil && len(password) > domain.MaxPasswordBytes {
		return domain.ErrBadCredentials
	}
	return err
}

// compare checks password against c again, in a slot, without counting
// an attempt: for a call whose attempt was counted, and whose customer's
// hash changed before it could write.
func (p *passwords) compare(ctx context.Context, c *domain.Customer, password string) error {
	return p.slots.run(ctx, func() error { return p.authenticate(c, password) })
}

// rehash stores the hash of password, which just matched c's hash, at the
// configured cost, when c's hash has another: customers of the Node.js
// service, or a cost raised since. It is a chore, not the call's work: a
// call that gets no slot at once, or whose write fails, leaves it to the
// next sign-in, and the call's answer does not change.
func (p *passwords) rehash(ctx context.Context, c *domain.Customer, password string) {
	old := c.PasswordHash()
	if old.HasCost(p.cost) {
		return
	}
	var (
		h   domain.PasswordHash
		err error
	)
	if !p.slots.tryRun(func() { h, err = domain.RehashPassword(password, p.cost) }) || err != nil {
		return
	}
	_, _ = p.repo.Rehash(ctx, c.ID(), old, h)
}

// replay is what a keyed password call answers before checking any
// password: the first answer, when its key has one.
func (p *passwords) replay(ctx context.Context, key IdempotencyKey) (*domain.Customer, bool, error) {
	if !key.Set() {
		return nil, false, nil
	}
	return p.repo.Replay(ctx, key.madeAt(p.clock.Now()))
}

// passwordChanged is the event of a write that set c's password: the
// customer, never the password.
func passwordChanged(c *domain.Customer, at time.Time) NewEvent {
	return newEvent(PasswordChanged{ID: c.ID()}, at)
}
