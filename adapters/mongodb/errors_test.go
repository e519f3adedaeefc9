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
