package domain

import "time"

// LoginAttempts are the failed sign-ins of one email since its last
// success: how many, when the first of them was, and until when the email
// is locked out. The zero value is none.
type LoginAttempts struct {
	Failures    int
	Since       time.Time
	LockedUntil time.Time
}

// LockoutRule is the defence against guessing: MaxFailures consecutive
// failures within Window lock the email out for Window from the last of
// them.
type LockoutRule struct {
	MaxFailures int
	Window      time.Duration
}

// LockedOut reports whether a is locked out at now, and for how much
// longer.
func (a LoginAttempts) LockedOut(now time.Time) (time.Duration, bool) {
	if left := a.LockedUntil.Sub(now); left > 0 {
		return left, true
	}
	return 0, false
}

// Fail is a with one failure more at now. Failures older than the
// window, and those of a lockout that ended, no longer count: the count
// starts again.
func (r LockoutRule) Fail(a LoginAttempts, now time.Time) LoginAttempts {
	if a.Failures == 0 || now.Sub(a.Since) >= r.Window || (!a.LockedUntil.IsZero() && !now.Before(a.LockedUntil)) {
		a = LoginAttempts{Since: now}
	}
	a.Failures++
	if a.Failures >= r.MaxFailures {
		a.LockedUntil = now.Add(r.Window)
	}
	return a
}
