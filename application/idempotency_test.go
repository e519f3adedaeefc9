package application_test

import (
	"errors"
	"iter"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/application"
)

// A key belongs to the issuer and the subject of the token it came with:
// any of the three differing is another key, and no way of splitting the
// same characters between them gives the same one.
func TestKeysOfOtherIssuersOrSubjectsNeverMeet(t *testing.T) {
	base := application.NewIdempotencyKey("shop", "backend", "k1", "f")
	tests := []struct {
		name                 string
		issuer, subject, key string
		sameSubject          bool
	}{
		{"another issuer, same subject and key", "billing", "backend", "k1", false},
		{"another subject", "shop", "frontend", "k1", false},
		{"another key", "shop", "backend", "k2", true},
		{"the issuer's end moved into the subject", "sho", "pbackend", "k1", false},
		{"the subject's end moved into the key", "shop", "backen", "dk1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := application.NewIdempotencyKey(tt.issuer, tt.subject, tt.key, "f")
			if k.Scope == base.Scope {
				t.Fatalf("scope %s is the base key's", k.Scope)
			}
			if (k.Subject == base.Subject) != tt.sameSubject {
				t.Fatalf("subject %s against %s: same = %v, want %v", k.Subject, base.Subject, k.Subject == base.Subject, tt.sameSubject)
			}
		})
	}
	if again := application.NewIdempotencyKey("shop", "backend", "k1", "f"); again != base {
		t.Fatalf("the same call made another key: %+v, %+v", again, base)
	}
}

type record struct {
	at    time.Time
	bytes int64
}

func records(rs ...record) iter.Seq2[time.Time, int64] {
	return func(yield func(time.Time, int64) bool) {
		for _, r := range rs {
			if !yield(r.at, r.bytes) {
				return
			}
		}
	}
}

// A refusal says to come back once the oldest records that free what the
// write needs have left the window.
func TestAFullSubjectIsToldWhenEnoughHasLeftTheWindow(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	kept := records(
		record{now.Add(-23 * time.Hour), 100},
		record{now.Add(-20 * time.Hour), 300},
		record{now.Add(-time.Hour), 1000},
	)
	tests := []struct {
		name string
		need int64
		want time.Duration
	}{
		{"the oldest record is enough", 100, time.Hour},
		{"the two oldest are needed", 101, 4 * time.Hour},
		{"every record is needed", 1400, 23 * time.Hour},
		{"no record frees enough: the window", 1401, application.IdempotencyWindow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := application.KeyRecordsFull(now, tt.need, kept)
			var busy *application.BusyError
			if !errors.As(err, &busy) || !errors.Is(err, application.ErrBusy) {
				t.Fatalf("%v, want a BusyError", err)
			}
			if busy.RetryAfter != tt.want {
				t.Fatalf("retry after %s, want %s", busy.RetryAfter, tt.want)
			}
		})
	}
}

// A store is given its limits by the configuration; one that would have
// to guess (a zero left unset) refuses them instead.
func TestLimitsThatLeaveNoRoomAreRefused(t *testing.T) {
	tests := []struct {
		name  string
		check func() error
		ok    bool
	}{
		{"no idempotency bound", application.IdempotencyLimits{}.Check, false},
		{"a negative idempotency bound", application.IdempotencyLimits{MaxBytesPerSubject: -1}.Check, false},
		{"an idempotency bound", application.IdempotencyLimits{MaxBytesPerSubject: 1 << 20}.Check, true},
		{"no outbox cap", application.OutboxLimits{}.Check, false},
		{"an outbox cap of one event", application.OutboxLimits{MaxPerCustomer: 1}.Check, true},
		{"the outbox off, where no cap applies", application.OutboxLimits{Off: true}.Check, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.check(); (err == nil) != tt.ok {
				t.Fatalf("Check() = %v, want ok %v", err, tt.ok)
			}
		})
	}
}
