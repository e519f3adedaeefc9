package e2e

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// A method's path called with another HTTP method than GET or POST, and a
// body the client abandons before its Content-Length, are the client's
// errors: answered in the envelope and counted as 4xx, never as the
// service's failures.
func TestClientErrorsAreNotServerErrors(t *testing.T) {
	svc := servicetest.Start(t)

	for _, verb := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch} {
		req, _ := http.NewRequest(verb, svc.URL+"customer.update", strings.NewReader(`{"id":"HkhhuXESl"}`))
		req.Header.Set("Authorization", "Bearer "+svc.Token)
		answer := servicetest.Do(t, req)
		answer.Error(t, http.StatusMethodNotAllowed, "method_not_allowed")
		if allow := answer.Header.Get("Allow"); allow != "GET, POST" {
			t.Errorf("%s answered Allow %q, want GET, POST", verb, allow)
		}
	}

	status, body := abandonBody(t, svc)
	if status != http.StatusBadRequest || body != `{"ok":false,"error":"validation_error","data":["body: was cut short"]}` {
		t.Errorf("an abandoned body answered %d %s, want 400 validation_error", status, body)
	}

	families := scrape(t, svc)
	for labels, want := range map[[3]string]float64{
		{"customer.update", "405", "method_not_allowed"}: 3,
		{"customer.update", "400", "validation_error"}:   1,
		{"customer.update", "500", "internal_error"}:     0,
	} {
		m := sample(families, "customer_http_requests_total", map[string]string{"method": labels[0], "status": labels[1], "code": labels[2]})
		if got := m.GetCounter().GetValue(); got != want {
			t.Errorf("customer_http_requests_total%v = %v, want %v", labels, got, want)
		}
	}
}

// abandonBody announces a body of 100 bytes, sends 7 of them and closes
// its side of the connection; it returns the answer.
func abandonBody(t *testing.T, svc *servicetest.Service) (int, string) {
	t.Helper()
	u, err := url.Parse(svc.URL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, err = io.WriteString(conn, "POST "+httpapi.BasePath+"customer.update HTTP/1.1\r\nHost: "+u.Host+"\r\n"+
		"Authorization: Bearer "+svc.Token+"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":")
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to an abandoned body: %v", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(raw)
}
