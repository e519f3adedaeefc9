package application

import "context"

// Pinger tells whether the store the use cases need answers, for the
// readiness check of a deployment: a service whose store does not answer
// should be sent no traffic, though it is alive.
type Pinger interface {
	// Ping returns nil once the store has answered, or an error when it
	// does not answer before ctx ends.
	Ping(ctx context.Context) error
}
