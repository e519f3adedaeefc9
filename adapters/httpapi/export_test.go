package httpapi

import "time"

// WithReadTimeout replaces the time a client has to send a whole request,
// its body included (30 s), so that a test need not wait that long for
// the 408 of a body that comes too slowly.
func WithReadTimeout(d time.Duration) ServerOption {
	return func(t *serverTimeouts) { t.read = d }
}
