package httpapi_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/adapters/token"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
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

// servedObserver hands over each request the router reports, so that a
// test can wait for the access log line of a request whose client never
// reads the answer.
type servedObserver struct{ served chan httpapi.ServedRequest }

func (o servedObserver) RequestServed(r httpapi.ServedRequest) { o.served <- r }
func (o servedObserver) TokenRefused(token.Reason)             {}
func (o servedObserver) BytesHeld(int64)                       {}

// hugeCustomer answers customer.info with a customer far larger than
// what the connection's buffers hold, so that its answer is still being
// written when the client stops reading or goes away.
type hugeCustomer struct{ lastName string }

func (h hugeCustomer) Handle(context.Context, application.GetCustomerQuery) (*domain.Customer, error) {
	return domain.RestoreCustomer(domain.CustomerSnapshot{ID: unknownID, Email: "huge@example.com",
		FirstName: "Huge", LastName: h.lastName, Status: "ACTIVE"}), nil
}

// An answer the client does not take in whole is not logged as a plain
// success: the access log line says how many bytes went out and why the
// rest did not, and the observer (the metrics) hears the same.
func TestServer_AnAnswerNotReadInTimeIsLoggedAsNotWrittenWhole(t *testing.T) {
	huge := hugeCustomer{lastName: strings.Repeat("x", 16<<20)}
	tests := []struct {
		name         string
		writeTimeout time.Duration
		client       func(t *testing.T, conn net.Conn, served <-chan httpapi.ServedRequest) httpapi.ServedRequest
		want         httpapi.WriteFailure
	}{
		{"a client that reads the answer", time.Minute, func(t *testing.T, conn net.Conn, served <-chan httpapi.ServedRequest) httpapi.ServedRequest {
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			r := waitServed(t, served)
			if len(body) != r.Bytes {
				t.Errorf("the client read %d bytes of body, the log says %d were written", len(body), r.Bytes)
			}
			return r
		}, ""},
		{"a client that reads nothing", 300 * time.Millisecond, func(t *testing.T, _ net.Conn, served <-chan httpapi.ServedRequest) httpapi.ServedRequest {
			return waitServed(t, served)
		}, httpapi.WriteTimeout},
		{"a client that goes away", time.Minute, func(t *testing.T, conn net.Conn, served <-chan httpapi.ServedRequest) httpapi.ServedRequest {
			if err := conn.Close(); err != nil {
				t.Fatal(err)
			}
			return waitServed(t, served)
		}, httpapi.WriteConnectionClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := servedObserver{served: make(chan httpapi.ServedRequest, 1)}
			a := newAPI(t, withObserver(o), withUseCases(func(uc application.Application) application.Application {
				uc.GetCustomer = huge
				return uc
			}))
			addr := startServer(t, a.handler, httpapi.WithWriteTimeout(tt.writeTimeout))
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			request := "GET " + httpapi.BasePath + "customer.info?id=" + unknownID + " HTTP/1.1\r\nHost: customer\r\n" +
				"Authorization: Bearer " + a.token + "\r\nConnection: close\r\n\r\n"
			if _, err := io.WriteString(conn, request); err != nil {
				t.Fatal(err)
			}

			got := tt.client(t, conn, o.served)
			if got.Status != 200 || got.WriteFailure != tt.want {
				t.Errorf("observer heard status %d, write failure %q; want 200, %q", got.Status, got.WriteFailure, tt.want)
			}
			if whole := got.Bytes > len(huge.lastName); whole != (tt.want == "") {
				t.Errorf("%d bytes written of an answer of more than %d, with write failure %q", got.Bytes, len(huge.lastName), got.WriteFailure)
			}
			lines := a.accessLogs()
			if len(lines) != 1 {
				t.Fatalf("%d access log lines, want 1", len(lines))
			}
			f := lines[0].ContextMap()
			failure, logged := f["write_failure"]
			if f["status"] != int64(200) || f["bytes"] != int64(got.Bytes) || logged != (tt.want != "") || (logged && failure != string(tt.want)) {
				t.Errorf("access log = %v, want status 200, bytes %d, write_failure %q", f, got.Bytes, tt.want)
			}
		})
	}
}

// waitServed waits for the router to report the test's one request.
func waitServed(t *testing.T, served <-chan httpapi.ServedRequest) httpapi.ServedRequest {
	t.Helper()
	select {
	case r := <-served:
		return r
	case <-time.After(time.Minute):
		t.Fatal("the request was never reported served")
		return httpapi.ServedRequest{}
	}
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
