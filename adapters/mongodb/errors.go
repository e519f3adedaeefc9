package mongodb

import (
	"context"
	"errors"
	"fmt"
	"slices"

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

// refusals are the codes (MongoDB's error_codes.yml) of a server that
// refused a write before making it: it is not, or no longer, the primary,
// it is shutting down, or its disk is full.
var refusals = []int{
	91,    // ShutdownInProgress
	189,   // PrimarySteppedDown
	10107, // NotWritablePrimary
	11600, // InterruptedAtShutdown
	11602, // InterruptedDueToReplStateChange
	13435, // NotPrimaryNoSecondaryOk
	13436, // NotPrimaryOrSecondary
	14031, // OutOfDiskSpace
}

// writeConcernCodes are the codes of a write concern that was not
// satisfied, when a command reports it as its own error.
var writeConcernCodes = []int{
	64,  // WriteConcernTimeout, formerly WriteConcernFailed
	79,  // UnknownReplWriteConcern
	100, // UnsatisfiableWriteConcern
}

// translate turns a driver error into the application's language. It is
// the only place that knows how servers report their failures. email is
// the value a duplicate-key violation would be about.
func translate(err error, email string) error {
	switch {
	case err == nil:
		return nil
	case isDuplicateKey(err):
		return &domain.DuplicateEmailError{Index: emailIndex, Email: email}
	case isUnavailable(err), isRefusal(err):
		return fmt.Errorf("%w: %w", application.ErrUnavailable, err)
	}
	return fmt.Errorf("mongodb: %w", err)
}

// translateWrite is translate for the error of a command that writes: one
// that may have written is ErrOutcomeUnknown, never "nothing written".
func translateWrite(err error, email string) error {
	if err != nil && !isDuplicateKey(err) && mayHaveWritten(err) {
		return fmt.Errorf("%w: %w", application.ErrOutcomeUnknown, err)
	}
	return translate(err, email)
}

// mayHaveWritten tells a failed write that may have happened: the server
// made it but its write concern was not satisfied (it may stay, or be
// rolled back), or the command went out and no answer came back (the
// connection broke, the deadline passed, the caller left), or the server
// refused it after the driver had retried it, which hides what the first
// attempt did. A write never sent, or that the server refused or
// aborted, wrote nothing.
func mayHaveWritten(err error) bool {
	switch {
	case isWriteConcernFailure(err):
		return true
	case hasLabel(err, driver.NoWritesPerformed),
		errors.Is(err, driver.ErrDeadlineWouldBeExceeded), errors.Is(err, mongo.ErrClientDisconnected),
		errors.As(err, &topology.ServerSelectionError{}), isPoolCleared(err), isAborted(err),
		errors.As(err, &topology.ConnectionError{}) && !mongo.IsNetworkError(err):
		return false
	case isRefusal(err):
		return hasLabel(err, driver.RetryableWriteError)
	}
	return mongo.IsNetworkError(err) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

func hasLabel(err error, label string) bool {
	var le mongo.LabeledError
	return errors.As(err, &le) && le.HasErrorLabel(label)
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
	return isAborted(err) || mongo.IsTimeout(err) || mongo.IsNetworkError(err) ||
		errors.Is(err, context.Canceled) || errors.Is(err, mongo.ErrClientDisconnected) ||
		errors.As(err, &topology.ServerSelectionError{}) || errors.As(err, &topology.ConnectionError{}) ||
		isPoolCleared(err) || isWriteConcernFailure(err)
}

// isAborted tells an operation the server stopped once its time was out
// (maxTimeMS), MongoDB's way or FerretDB's.
func isAborted(err error) bool {
	var ce mongo.CommandError
	if errors.As(err, &ce) && ce.IsMaxTimeMSExpiredError() {
		return true
	}
	var se mongo.ServerError
	return errors.As(err, &se) && se.HasErrorMessage(maxTimeExpired)
}

// isRefusal tells a command the server refused (refusals). Only the
// command's own error counts, not a write concern error with such a code
// (a primary stepping down while the write waited to be replicated),
// which comes after the write was made.
func isRefusal(err error) bool {
	var ce mongo.CommandError
	if errors.As(err, &ce) && slices.ContainsFunc(refusals, ce.HasErrorCode) {
		return true
	}
	var we mongo.WriteException
	return errors.As(err, &we) && slices.ContainsFunc(we.WriteErrors, func(e mongo.WriteError) bool {
		return slices.Contains(refusals, e.Code)
	})
}

// isWriteConcernFailure tells a write the server made but could not
// confirm as the write concern asks: not replicated in time, to too few
// members, or to members no tag names.
func isWriteConcernFailure(err error) bool {
	var (
		we  mongo.WriteException
		bwe mongo.BulkWriteException
		wce mongo.WriteConcernError
		ce  mongo.CommandError
	)
	return (errors.As(err, &we) && we.WriteConcernError != nil) ||
		(errors.As(err, &bwe) && bwe.WriteConcernError != nil) ||
		errors.As(err, &wce) ||
		(errors.As(err, &ce) && slices.ContainsFunc(writeConcernCodes, ce.HasErrorCode))
}

// isWriteFault tells a failure that the next writes would meet too, until
// the deployment recovers: no writable primary, a full disk, a write
// concern the replica set cannot satisfy now. The store is not ready
// meanwhile (see Repository.Ping).
func isWriteFault(err error) bool {
	return isRefusal(err) || isWriteConcernFailure(err)
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
