package mongodb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// poolCleared stands for the driver's unexported error of an operation
// that waited for a connection while the pool was emptied.
type poolCleared struct{}

func (poolCleared) Error() string   { return "connection pool for mongo:27017 was cleared" }
func (poolCleared) Retryable() bool { return true }

func TestTranslateCallsEveryWayOfNotGettingAnAnswerUnavailable(t *testing.T) {
	tests := []struct {
		name        string
		err         error
		unavailable bool
	}{
		{name: "deadline passed", err: context.DeadlineExceeded, unavailable: true},
		{name: "caller went away", err: context.Canceled, unavailable: true},
		{name: "client disconnected", err: mongo.ErrClientDisconnected, unavailable: true},
		{name: "no connection could be made", err: topology.ConnectionError{
			Wrapped: &net.DNSError{Err: "no such host", Name: "mongo", IsNotFound: true},
		}, unavailable: true},
		{name: "pool cleared while waiting for a connection", err: fmt.Errorf("find: %w", poolCleared{}), unavailable: true},
		// How the driver hands it out when the pool is paused.
		{name: "pool cleared, wrapped in a driver error", err: mongo.CommandError{
			Labels: []string{driver.TransientTransactionError}, Wrapped: driver.Error{Wrapped: poolCleared{}},
		}, unavailable: true},
		{name: "out of time, as MongoDB says it", err: mongo.CommandError{Code: 50, Name: "MaxTimeMSExpired", Message: "operation exceeded time limit"}, unavailable: true},
		{name: "out of time, as FerretDB says it", err: mongo.CommandError{Code: 1, Name: "InternalError",
			Message: "[msg_find.go:344 handler.handleMaxTimeMSError] [collection.go:94 sqlite.(*collection).Query] interrupted (9)"}, unavailable: true},
		{name: "a server error is an answer", err: mongo.CommandError{Code: 2, Message: "BadValue"}},
		{name: "an unknown failure is not", err: errors.New("bug")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := translate(tt.err, "")
			if errors.Is(got, application.ErrUnavailable) != tt.unavailable {
				t.Fatalf("translate(%v) = %v, unavailable want %v", tt.err, got, tt.unavailable)
			}
		})
	}
}

// networkError is how the driver hands out a connection that broke under
// a command: a CommandError labelled NetworkError.
func networkError(labels ...string) error {
	return mongo.CommandError{Labels: append([]string{driver.NetworkError}, labels...),
		Wrapped: topology.ConnectionError{Wrapped: errors.New("connection reset by peer")}}
}

func writeConcernFailed(code int, name string) mongo.WriteException {
	return mongo.WriteException{WriteConcernError: &mongo.WriteConcernError{Code: code, Name: name, Message: "waiting for replication"}}
}

// outcome names what translation made of an error.
func outcome(err error) string {
	var dup *domain.DuplicateEmailError
	switch {
	case errors.Is(err, application.ErrOutcomeUnknown):
		return "unknown"
	case errors.Is(err, application.ErrUnavailable):
		return "unavailable"
	case errors.As(err, &dup):
		return "duplicate"
	}
	return "internal"
}

// A write that failed is "unavailable" (503, nothing written) only when it
// did not happen: the server refused it (not primary, shutting down, disk
// full) in the one attempt made, or it was never sent. A write the server
// made but could not confirm (a write concern error), or whose answer was
// lost, or that the driver retried (its first attempt's outcome hidden), is
// "unknown": it may have happened. A read is never "unknown". A refusal or
// a write concern failure also makes the store not ready until a probe
// write succeeds.
func TestTranslateTellsAWriteThatMayHaveHappenedFromOneThatDidNot(t *testing.T) {
	tests := []struct {
		name        string
		err         error
		read, write string
		fault       bool
	}{
		{name: "not primary", err: mongo.CommandError{Code: 10107, Name: "NotWritablePrimary"},
			read: "unavailable", write: "unavailable", fault: true},
		{name: "not primary, no secondary ok", err: mongo.CommandError{Code: 13435, Name: "NotPrimaryNoSecondaryOk"},
			read: "unavailable", write: "unavailable", fault: true},
		{name: "not primary or secondary", err: mongo.CommandError{Code: 13436, Name: "NotPrimaryOrSecondary"},
			read: "unavailable", write: "unavailable", fault: true},
		{name: "primary stepped down", err: mongo.CommandError{Code: 189, Name: "PrimarySteppedDown"},
			read: "unavailable", write: "unavailable", fault: true},
		{name: "shutting down", err: mongo.CommandError{Code: 91, Name: "ShutdownInProgress"},
			read: "unavailable", write: "unavailable", fault: true},
		{name: "interrupted at shutdown", err: mongo.CommandError{Code: 11600, Name: "InterruptedAtShutdown"},
			read: "unavailable", write: "unavailable", fault: true},
		{name: "interrupted by a replica set state change", err: mongo.CommandError{Code: 11602, Name: "InterruptedDueToReplStateChange"},
			read: "unavailable", write: "unavailable", fault: true},
		{name: "disk full", err: mongo.CommandError{Code: 14031, Name: "OutOfDiskSpace"},
			read: "unavailable", write: "unavailable", fault: true},
		{name: "a refusal the driver retries on: an earlier attempt may have written", err: mongo.CommandError{Code: 10107, Name: "NotWritablePrimary",
			Labels: []string{driver.RetryableWriteError}}, read: "unavailable", write: "unknown", fault: true},
		{name: "a retried write the driver says none of its attempts made", err: mongo.CommandError{Code: 10107,
			Labels: []string{driver.RetryableWriteError, driver.NoWritesPerformed}}, read: "unavailable", write: "unavailable", fault: true},
		{name: "write concern timed out", err: writeConcernFailed(64, "WriteConcernTimeout"),
			read: "unavailable", write: "unknown", fault: true},
		{name: "write concern unsatisfiable", err: writeConcernFailed(100, "UnsatisfiableWriteConcern"),
			read: "unavailable", write: "unknown", fault: true},
		{name: "primary stepped down while the write waited to be replicated", err: writeConcernFailed(189, "PrimarySteppedDown"),
			read: "unavailable", write: "unknown", fault: true},
		{name: "write concern failure reported as the command's error", err: mongo.CommandError{Code: 64, Name: "WriteConcernTimeout"},
			read: "unavailable", write: "unknown", fault: true},
		{name: "write concern failure of a bulk write", err: mongo.BulkWriteException{WriteConcernError: &mongo.WriteConcernError{Code: 64}},
			read: "unavailable", write: "unknown", fault: true},
		{name: "duplicate key, with a write concern failure", err: mongo.WriteException{
			WriteErrors:       mongo.WriteErrors{{Code: 11000, Message: "E11000 duplicate key error"}},
			WriteConcernError: &mongo.WriteConcernError{Code: 64}}, read: "duplicate", write: "duplicate", fault: true},
		{name: "the connection broke under the command", err: networkError(driver.RetryableWriteError),
			read: "unavailable", write: "unknown"},
		{name: "the deadline passed waiting for the answer", err: fmt.Errorf("update: %w", context.DeadlineExceeded),
			read: "unavailable", write: "unknown"},
		{name: "the deadline would pass before the command is sent", err: fmt.Errorf("update: %w", driver.ErrDeadlineWouldBeExceeded),
			read: "unavailable", write: "unavailable"},
		{name: "the server stopped the command at its time limit", err: mongo.CommandError{Code: 50, Name: "MaxTimeMSExpired"},
			read: "unavailable", write: "unavailable"},
		{name: "no server to send it to", err: topology.ServerSelectionError{Wrapped: context.DeadlineExceeded},
			read: "unavailable", write: "unavailable"},
		{name: "no connection could be made", err: topology.ConnectionError{Wrapped: &net.DNSError{Err: "no such host", Name: "mongo", IsNotFound: true}},
			read: "unavailable", write: "unavailable"},
		{name: "pool cleared while waiting for a connection", err: fmt.Errorf("update: %w", poolCleared{}),
			read: "unavailable", write: "unavailable"},
		{name: "a bad command is an internal error", err: mongo.CommandError{Code: 2, Name: "BadValue"},
			read: "internal", write: "internal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := outcome(translate(tt.err, "ada@example.com")); got != tt.read {
				t.Errorf("translate(%v) is %s, want %s", tt.err, got, tt.read)
			}
			if got := outcome(translateWrite(tt.err, "ada@example.com")); got != tt.write {
				t.Errorf("translateWrite(%v) is %s, want %s", tt.err, got, tt.write)
			}
			if got := isWriteFault(tt.err); got != tt.fault {
				t.Errorf("isWriteFault(%v) = %t, want %t", tt.err, got, tt.fault)
			}
		})
	}
}
