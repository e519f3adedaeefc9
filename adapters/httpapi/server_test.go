package httpapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/microbase-io/customer-service/adapters/httpapi"
)

// startServer serves handler as the service does, on a loopback port,
// with the harness's request timeout, until the test ends; it returns the
// address.
func startServer(t *testing.T, handler http.Handler, opts ...httpapi.ServerOption) string {
	t.Helper()
	opts = append([]httpapi.ServerOption{httpapi.WithRequestTimeout(5 * time.Second)}, opts...)
	srv := httpapi.NewServer("127.0.0.1:0", handler, zap.NewNop(), opts...)
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Stop(ctx)
	})
	return srv.Addr().String()
}
