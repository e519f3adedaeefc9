package domain_test

import (
	"testing"
	"time"

	"github.com/microbase-io/customer-service/domain"
)

func TestLockoutRule_LocksAfterMaxConsecutiveFailuresWithinTheWindow(t *testing.T) {
	rule := domain.LockoutRule{MaxFailures: 3, Window: 15 * time.Minute}
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	fail := func(a domain.LoginAttempts, at ...time.Duration) domain.LoginAttempts {
		for _, d := range at {
			a = rule.Fail(a, t0.Add(d))
		}
		return a
	}
	tests := []struct {
		name         string
		attempts     domain.LoginAttempts
		at           time.Duration
		wantFailures int
		wantLeft     time.Duration // zero: not locked out
	}{
		{"one failure is counted, not locked", fail(domain.LoginAttempts{}, 0), time.Second, 1, 0},
		{"one failure short of the limit", fail(domain.LoginAttempts{}, 0, time.Minute), 2 * time.Minute, 2, 0},
		{"the limit locks for the window from the last failure", fail(domain.LoginAttempts{}, 0, time.Minute, 2*time.Minute), 2 * time.Minute, 3, 15 * time.Minute},
		{"the lockout runs down", fail(domain.LoginAttempts{}, 0, time.Minute, 2*time.Minute), 10 * time.Minute, 3, 7 * time.Minute},
		{"the lockout ends", fail(domain.LoginAttempts{}, 0, time.Minute, 2*time.Minute), 17 * time.Minute, 3, 0},
		{"failures spread wider than the window start again", fail(domain.LoginAttempts{}, 0, time.Minute, 16*time.Minute), 16 * time.Minute, 1, 0},
		{"a failure after a lockout ended starts again", fail(domain.LoginAttempts{}, 0, time.Minute, 2*time.Minute, 17*time.Minute), 17 * time.Minute, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			left, locked := tt.attempts.LockedOut(t0.Add(tt.at))
			if tt.attempts.Failures != tt.wantFailures || left != tt.wantLeft || locked != (tt.wantLeft > 0) {
				t.Fatalf("%+v at %s: %d failures, locked %v for %s; want %d, %s", tt.attempts, tt.at, tt.attempts.Failures, locked, left, tt.wantFailures, tt.wantLeft)
			}
		})
	}
}

func TestLoginAttempts_NoneIsNotLockedOut(t *testing.T) {
	if left, locked := (domain.LoginAttempts{}).LockedOut(time.Now()); locked || left != 0 {
		t.Fatalf("the zero attempts are locked out for %s", left)
	}
}
