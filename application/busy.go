package application

import (
	"errors"
	"fmt"
	"time"
)

// ErrBusy is matched by every BusyError: the service could not take on
// the work a call needs before the call's deadline, or a bound on what
// callers may make it hold is reached. Nothing was done; the caller may
// send the call again after RetryAfter.
var ErrBusy = errors.New("the service is busy")

// BusyError says which bound refused a call and when trying again may
// succeed.
type BusyError struct {
	// Bound names what is full, for logs ("list answers in memory").
	Bound string
	// RetryAfter is how long the caller should wait before trying again;
	// at least a second.
	RetryAfter time.Duration
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("the service is busy: %s is full; retry after %s", e.Bound, e.RetryAfter)
}

func (e *BusyError) Is(target error) bool { return target == ErrBusy }

// Busy is a BusyError for bound, retried after at least a second.
func Busy(bound string, retryAfter time.Duration) error {
	return &BusyError{Bound: bound, RetryAfter: max(retryAfter, time.Second)}
}
