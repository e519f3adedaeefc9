package mongodb

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// uniqueViolations are the messages FerretDB, the tests' stand-in for
// MongoDB, gives when an update, replace or findAndModify breaks a unique
// index: InternalError (code 1) with its backend's text instead of
// MongoDB's E11000, which it reserves for inserts. MongoDB never sends
// these.
var uniqueViolations = []string{
	"UNIQUE constraint failed",                       // SQLite backend
	"duplicate key value violates unique constraint", // PostgreSQL backend
}

// maxTimeExpired is how FerretDB reports an operation that ran out of the
// time the driver gave it (maxTimeMS, from the caller's deadline):
// InternalError naming its handler, where MongoDB answers MaxTimeMSExpired
// (code 50), which mongo.IsTimeout knows. MongoDB never sends it.
const maxTimeExpired = "handleMaxTimeMSError"

// translate turns a driver error into the application's language. It is
// the only place that knows how servers report their failures. email is
// the value a duplicate-key violation would be about.
func translate(err error, email string) error {
	switch {
	case err == nil:
		return nil
	case isDuplicateKey(err):
		return &domain.DuplicateEmailError{Index: emailIndex, Email: email}
	case isUnavailable(err):
		return fmt.Errorf("%w: %w", application.ErrUnavailable, err)
	}
	return fmt.Errorf("mongodb: %w", err)
}

func isDuplicateKey(err error) bool {
	if mongo.IsDuplicateKeyError(err) {
		return true
	}
	var se mongo.ServerError
	if errors.As(err, &se) {
		for _, msg := range uniqueViolations {
			if se.HasErrorMessage(msg) {
				return true
			}
		}
	}
	return false
}

// isUnavailable covers every way of not getting an answer: the deadline
// passed, no server could be selected, the connection broke, a new
// connection could not be made (the driver hands that out without the
// NetworkError label: a server that stopped, a name that no longer
// resolves), the pool was cleared because another operation's connection
// broke, or the caller went away (nobody is left to read a different
// answer).
func isUnavailable(err error) bool {
	var se mongo.ServerError
	if errors.As(err, &se) && se.HasErrorMessage(maxTimeExpired) {
		return true
	}
	return mongo.IsTimeout(err) || mongo.IsNetworkError(err) ||
		errors.Is(err, context.Canceled) || errors.Is(err, mongo.ErrClientDisconnected) ||
		errors.As(err, &topology.ServerSelectionError{}) || errors.As(err, &topology.ConnectionError{}) ||
		isPoolCleared(err)
}

// isPoolCleared recognises the error an operation gets when it waited for
// a connection while the driver emptied the pool after another
// operation's connection failed (a database going away does that). The
// driver's type for it is unexported and carries no NetworkError label;
// the interface it implements, and nothing else does, is how the driver
// itself decides to retry on it.
func isPoolCleared(err error) bool {
	var pool driver.RetryablePoolError
	return errors.As(err, &pool) && pool.Retryable()
}
