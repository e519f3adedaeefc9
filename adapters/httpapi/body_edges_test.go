package httpapi_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/microbase-io/customer-service/adapters/httpapi"
)

// sendPartialBody sends a customer.update announcing a body of 100 bytes
// and sends 7 of them; closeWrite then tells the server nothing more will
// come. It returns the answer the server sent.
func sendPartialBody(t *testing.T, addr, token string, closeWrite bool) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	request := "POST " + httpapi.BasePath + "customer.update HTTP/1.1\r\nHost: customer\r\n" +
		"Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":"
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	if closeWrite {
		if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
			t.Fatal(err)
		}
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, raw
}

// A client that stops sending its body, or sends it too slowly, gets a
// client error in the envelope from the server the service runs (whose
// write deadline leaves the 408 time to be written): logged at info like
// any answer, counted as a 4xx, never an internal error.
func TestBody_CutShortOrTooSlowIsAClientError(t *testing.T) {
	for _, tt := range []struct {
		name       string
		closeWrite bool
		status     int
		code, data string
	}{
		{"the client ends the body before its Content-Length", true, http.StatusBadRequest, "validation_error", `["body: was cut short"]`},
		{"the body does not come within the read timeout", false, http.StatusRequestTimeout, "request_timeout", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := &recordingObserver{}
			a := newAPI(t, withObserver(o))
			addr := startServer(t, a.handler, httpapi.WithReadTimeout(500*time.Millisecond))

			res, raw := sendPartialBody(t, addr, a.token, tt.closeWrite)
			assertError(t, checkAnswer(t, res.StatusCode, res.Header, raw), tt.status, tt.code, tt.data)
			assertAccessLog(t, a, accessLine{requestID: res.Header.Get(httpapi.RequestIDHeader), httpMethod: "POST",
				method: "customer.update", status: tt.status, errorCode: tt.code})
			if above := a.logs.Filter(func(e observer.LoggedEntry) bool { return e.Level > zapcore.InfoLevel }); above.Len() != 0 {
				t.Errorf("logged above info: %v", above.All())
			}
			want := httpapi.ServedRequest{Method: "customer.update", Status: tt.status, ErrorCode: tt.code}
			if !slices.Equal(o.requests, []httpapi.ServedRequest{want}) {
				t.Errorf("observer heard %+v, want %+v", o.requests, want)
			}
			if strings.Contains(string(raw), "internal") {
				t.Errorf("answered %s", raw)
			}
		})
	}
}
