package httpapi_test

import (
	"bufio"
	"context"
	"io"
	"net"
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

// "OPTIONS *" asks the server, not a path, what it can do; the service
// answers it as any request it has no method for, in the envelope.
func TestServer_OptionsStarIsAnsweredInTheEnvelope(t *testing.T) {
	a := newAPI(t)
	conn, err := net.Dial("tcp", startServer(t, a.handler))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "OPTIONS * HTTP/1.1\r\nHost: customer\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	assertError(t, checkAnswer(t, res.StatusCode, res.Header, raw), http.StatusNotFound, "unknown_method", `{"method":"*"}`)
}
