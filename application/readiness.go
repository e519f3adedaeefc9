package application

import "context"

// Pinger tells a deployment whether to send this service traffic (its
// readiness check): whether the store can serve calls, reads and writes
// alike. A store that does not answer, or that answers but refuses
// writes (a full disk, a read-only or damaged file, a replica set without
// a primary that takes writes), is not ready, though the service lives;
// it is ready again once a write succeeds.
type Pinger interface {
	// Ping returns nil when the store answers and takes writes, or an
	// error that says why not; it gives up when ctx ends.
	Ping(ctx context.Context) error
}
