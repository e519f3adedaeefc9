package main

import (
	"context"
	"errors"
	"fmt"
	"net"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

// errorKind names what went wrong in words that repeat, so that a
// thousand timeouts are one line of the report and not a thousand
// (driver and network errors carry connection ids and ports).
func errorKind(err error) string {
	var cmd mongo.CommandError
	var netErr net.Error
	var svc *serviceError
	switch {
	case errors.As(err, &svc):
		return svc.Error()
	case errors.Is(err, errNoMatch):
		return err.Error()
	case errors.Is(err, context.DeadlineExceeded), mongo.IsTimeout(err),
		errors.As(err, &netErr) && netErr.Timeout():
		return "timed out"
	case errors.As(err, &cmd):
		return fmt.Sprintf("server error %d %s", cmd.Code, cmd.Name)
	case mongo.IsNetworkError(err), errors.As(err, &netErr):
		return "network error"
	default:
		return "other error"
	}
}

// serviceError is an answer of the service other than a customer.
type serviceError struct {
	status int
	code   string
}

func (e *serviceError) Error() string { return fmt.Sprintf("HTTP %d %s", e.status, e.code) }
