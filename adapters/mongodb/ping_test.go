package mongodb_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/mongodb"
)

// A database that does not answer makes the service not ready; the
// caller's context, not the client's minute, bounds the wait.
func TestPingFailsWithinTheCallersBoundWhenNoDatabaseAnswers(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	client, err := mongodb.NewClient("mongodb://"+addr+"/", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := mongodb.NewPinger(client).Ping(ctx); err == nil {
		t.Fatal("ping succeeded with no database")
	}
}
