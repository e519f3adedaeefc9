package application

import "time"

// Clock tells the time of a write. Stores keep milliseconds (BSON dates),
// so SystemClock truncates to them: the time a use case returns is exactly
// the time a later read gives back.
type Clock interface{ Now() time.Time }

// SystemClock is the wall clock in UTC.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }
