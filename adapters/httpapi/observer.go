package httpapi

import (
	"time"

	"github.com/microbase-io/customer-service/adapters/token"
)

// Observer is told what the API did, so that something outside this
// adapter (metrics) can count it without the adapter knowing how. It is
// called on every request, from many goroutines at once: it must be safe
// for concurrent use and must not block.
type Observer interface {
	// RequestServed is told of every answered request.
	RequestServed(ServedRequest)
	// TokenRefused is told why a caller's token was refused.
	TokenRefused(token.Reason)
	// BytesHeld is told how many bytes the requests in flight hold (their
	// bodies and list pages), whenever it changes.
	BytesHeld(int64)
}

// ServedRequest is one answered request.
type ServedRequest struct {
	// Method is the RPC method called, or UnknownMethod when the path names
	// none this service has: labelling by raw path would let any caller
	// mint new metric series at will.
	Method string
	// Status is the HTTP status answered.
	Status int
	// ErrorCode is the MicroBase error code answered, "" on success.
	ErrorCode string
	// Bytes is how much of the answer's body was written.
	Bytes int
	// WriteFailure is why the answer was not written whole, "" when it was.
	WriteFailure WriteFailure
	// Duration is the time from the request's arrival to its answer.
	Duration time.Duration
}

// UnknownMethod stands for every path that names no method.
const UnknownMethod = "unknown"

// ignoreObserver is the Observer of a router configured without one.
type ignoreObserver struct{}

func (ignoreObserver) RequestServed(ServedRequest) {}
func (ignoreObserver) TokenRefused(token.Reason)   {}
func (ignoreObserver) BytesHeld(int64)             {}
