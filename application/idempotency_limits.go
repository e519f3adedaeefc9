package application

import (
	"fmt"
	"iter"
	"time"
)

// IdempotencyLimits bound what keyed writes make a store keep; every store
// honours them before a keyed write writes. The configuration gives them
// (configs/config.yaml); a store refuses limits that fail Check.
type IdempotencyLimits struct {
	// MaxBytesPerSubject bounds the records (results and keys) that one
	// subject's keyed writes leave within IdempotencyWindow. A keyed
	// write that would go beyond is refused (KeyRecordsFull) and writes
	// nothing; writes without a key never count.
	MaxBytesPerSubject int64
}

// Check refuses a bound that leaves no room for any record.
func (l IdempotencyLimits) Check() error {
	if l.MaxBytesPerSubject <= 0 {
		return fmt.Errorf("idempotency limits: %d bytes per subject: it must be positive", l.MaxBytesPerSubject)
	}
	return nil
}

// KeyRecordsFull is the refusal of a keyed write that needs need bytes
// more than its subject has room for, at now: busy until enough of the
// subject's records have left the window. kept yields, oldest first, when
// each of the subject's records (or group of records) was made and its
// bytes; a store that counts by groups gives the time the last of a
// group was made, so that the wait is never too short.
func KeyRecordsFull(now time.Time, need int64, kept iter.Seq2[time.Time, int64]) error {
	var freed int64
	for at, n := range kept {
		if freed += n; freed >= need {
			return Busy(keyRecordsBound, at.Add(IdempotencyWindow).Sub(now))
		}
	}
	// Nothing the subject holds frees enough: the record alone is larger
	// than the limit, and no wait helps; the window is the honest answer.
	return Busy(keyRecordsBound, IdempotencyWindow)
}

const keyRecordsBound = "the idempotency records of the token's subject"

// keyRecordAllowance is what a record counts besides its result: its key,
// its fingerprint, its subject and their index entries, about 400 bytes
// on either store, rounded up.
const keyRecordAllowance = 512

// KeyRecordBytes is what a record counts against its subject's limit: its
// result as the store keeps it (compressed; none for a removal), and a
// fixed allowance for the rest.
func KeyRecordBytes(result []byte) int64 { return int64(len(result)) + keyRecordAllowance }
