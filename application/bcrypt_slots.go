package application

import (
	"context"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"
)

// bcryptSlots bound the bcrypt work of the service: at most one hash
// computation (a comparison or a new hash) per slot at once, the others
// waiting their turn in order of arrival, each until its deadline. A hash
// takes a core for its whole length, so the password calls of a flood
// queue here rather than take the cores from the other calls. By default
// one core is left to the other calls (README, "bcrypt is bounded").
type bcryptSlots struct {
	sem      *semaphore.Weighted
	size     int
	observer PasswordObserver

	mu    sync.Mutex // orders the reports as the count changes
	inUse int
}

// busyBcrypt names the bound in a BusyError.
const busyBcrypt = "the password hashing slots"

func newBcryptSlots(size int, observer PasswordObserver) *bcryptSlots {
	return &bcryptSlots{sem: semaphore.NewWeighted(int64(size)), size: size, observer: observer}
}

// run runs work, one bcrypt computation, in a slot, and returns its
// error. A call that gets no slot before ctx ends runs nothing and is busy
// (BusyError).
func (s *bcryptSlots) run(ctx context.Context, work func() error) (err error) {
	if !s.sem.TryAcquire(1) {
		s.observer.BcryptWaited()
		if err := s.sem.Acquire(ctx, 1); err != nil {
			s.observer.BcryptRefused()
			return Busy(busyBcrypt, time.Second)
		}
	}
	s.work(func() { err = work() })
	return err
}

// tryRun runs work in a slot if one is free now, and reports whether it
// did.
func (s *bcryptSlots) tryRun(work func()) bool {
	if !s.sem.TryAcquire(1) {
		return false
	}
	s.work(work)
	return true
}

// work runs work in the slot its caller acquired, and gives it back.
func (s *bcryptSlots) work(work func()) {
	s.count(1)
	defer func() {
		s.count(-1)
		s.sem.Release(1)
	}()
	work()
}

// count changes the slots in use by delta and reports the new count,
// under one lock: two computations ending at once would otherwise report
// in either order, and the gauge could be left at 1 with none in use.
func (s *bcryptSlots) count(delta int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inUse += delta
	s.observer.BcryptSlotsInUse(s.inUse, s.size)
}

// PasswordObserver hears how the password work is bounded, for metrics;
// the metrics adapter implements it. Its methods are called on the
// request path, from many goroutines at once: they must be quick.
type PasswordObserver interface {
	// BcryptSlotsInUse tells how many of the size bcrypt slots are
	// taken, each time a computation starts or ends.
	BcryptSlotsInUse(inUse, size int)
	// BcryptWaited counts a call that found every slot taken and queued.
	BcryptWaited()
	// BcryptRefused counts a call that got no slot before its deadline,
	// answered busy.
	BcryptRefused()
	// UnknownEmailsTracked tells how many unknown emails the lockout
	// table holds the failed sign-ins of, each time it changes.
	UnknownEmailsTracked(n int)
}

type noObserver struct{}

func (noObserver) BcryptSlotsInUse(int, int) {}
func (noObserver) BcryptWaited()             {}
func (noObserver) BcryptRefused()            {}
func (noObserver) UnknownEmailsTracked(int)  {}

// defaultBcryptSlots is how many bcrypt computations run at once when
// Settings leave it to the machine: one per core the service may use but
// one, at least one.
func defaultBcryptSlots() int { return max(1, runtime.GOMAXPROCS(0)-1) }
