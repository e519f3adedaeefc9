package application

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"

	"github.com/microbase-io/customer-service/domain"
)

// ErrLockedOut is matched by every LockedOutError.
var ErrLockedOut = errors.New("too many failed sign-ins")

// LockedOutError refuses a password call for an email whose last sign-ins
// failed too often (domain.LockoutRule), right password or not, without
// checking it. The same answer comes for an email nobody has, so that it
// tells nothing of who is registered.
type LockedOutError struct {
	// RetryAfter is how long the lockout lasts yet, in whole seconds, at
	// least one.
	RetryAfter time.Duration
}

func (e *LockedOutError) Error() string {
	return fmt.Sprintf("too many failed sign-ins; retry after %s", e.RetryAfter)
}

func (e *LockedOutError) Is(target error) bool { return target == ErrLockedOut }

func lockedOut(left time.Duration) error {
	return &LockedOutError{RetryAfter: max(left.Truncate(time.Second)+time.Second, time.Second)}
}

// Defaults of Settings.
const (
	DefaultLoginMaxFailures = 5
	DefaultLoginLockout     = 15 * time.Minute
	// DefaultUnknownEmails bounds the lockout table of emails nobody has:
	// about 200 bytes each, some 2 MB in all.
	DefaultUnknownEmails = 10_000
)

// unknownEmails counts the failed sign-ins of emails no customer has, as
// a store counts a customer's, so that such an email is locked out as a
// registered one would be. It is bounded: when full, the email tried
// least recently goes (least recently used), so an email being guessed at
// stays while the table holds entries for that many other emails tried
// since. Emails are held as their SHA-256, so the table holds at most its
// bound times a fixed size, whatever callers send. It is per instance:
// an unknown email tried on two instances is counted on each.
type unknownEmails struct {
	mu       sync.Mutex
	table    *simplelru.LRU[[sha256.Size]byte, domain.LoginAttempts]
	observer PasswordObserver
}

func newUnknownEmails(size int, observer PasswordObserver) *unknownEmails {
	table, err := simplelru.NewLRU[[sha256.Size]byte, domain.LoginAttempts](size, nil)
	if err != nil {
		panic("application: " + err.Error()) // size is positive
	}
	return &unknownEmails{table: table, observer: observer}
}

// attempts returns the failed sign-ins counted for email.
func (u *unknownEmails) attempts(email string) domain.LoginAttempts {
	u.mu.Lock()
	defer u.mu.Unlock()
	a, _ := u.table.Get(sha256.Sum256([]byte(email)))
	return a
}

// count is CountLoginAttempt for an unknown email.
func (u *unknownEmails) count(email string, rule domain.LockoutRule, now time.Time) (domain.LoginAttempts, bool) {
	key := sha256.Sum256([]byte(email))
	u.mu.Lock()
	defer u.mu.Unlock()
	a, _ := u.table.Get(key)
	if _, locked := a.LockedOut(now); locked {
		return a, false
	}
	a = rule.Fail(a, now)
	u.table.Add(key, a)
	u.observer.UnknownEmailsTracked(u.table.Len())
	return a, true
}
