package httpapi_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
)

// freshID is the shape of an id this service makes.
var freshID = regexp.MustCompile(`^[A-Za-z0-9_-]{16}$`)

func pingWithRequestID(t *testing.T, a *api, incoming string, set bool) string {
	t.Helper()
	r := a.request(http.MethodGet, "micro.ping", "", "")
	if set {
		r.Header.Set(httpapi.RequestIDHeader, incoming)
	}
	return a.serve(t, r).header.Get(httpapi.RequestIDHeader)
}

// A call without an id gets a new one, different on every call.
func TestRequestID_MadeWhenAbsent(t *testing.T) {
	tests := []struct {
		name string
		set  bool
	}{
		{"no header", false},
		{"empty header", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t)
			first := pingWithRequestID(t, a, "", tt.set)
			second := pingWithRequestID(t, a, "", tt.set)
			if !freshID.MatchString(first) || !freshID.MatchString(second) || first == second {
				t.Fatalf("ids %q and %q, want two different fresh ids", first, second)
			}
		})
	}
}

// A caller's id is kept and a new one appended, as MicroBase chains them
// across services.
func TestRequestID_ChainsTheCallersID(t *testing.T) {
	for _, incoming := range []string{
		"abc-123",
		"gateway.1:service_2", // already a chain
		"Yx3_-.:9",
		strings.Repeat("a", 200), // the longest kept
	} {
		t.Run(incoming[:min(len(incoming), 20)], func(t *testing.T) {
			a := newAPI(t)
			got := pingWithRequestID(t, a, incoming, true)
			prefix, fresh := got[:max(0, len(got)-17)], got[max(0, len(got)-17):]
			if prefix != incoming || !strings.HasPrefix(fresh, ":") || !freshID.MatchString(fresh[1:]) {
				t.Fatalf("id = %q, want %q followed by :<fresh id>", got, incoming)
			}
		})
	}
}

// An id a caller could use to forge log lines, split headers or bloat
// every log line is not echoed: it is replaced by a fresh one.
func TestRequestID_UnsafeIDIsReplaced(t *testing.T) {
	for name, incoming := range map[string]string{
		// Each holds one unsafe character among safe ones.
		"space":         "abc 123",
		"newline":       "abc\n123",
		"carriage":      "abc\r123",
		"tab":           "abc\t123",
		"quote":         `abc"123`,
		"non-ASCII":     "abcé",
		"angle":         "abc<123",
		"NUL":           "abc\x00",
		"slash":         "abc/123",
		"percent-codes": "abc%0A",
		"201 bytes":     strings.Repeat("a", 201),
		"1 KB":          strings.Repeat("a", 1024),
		"forged line":   "abc\n{\"level\":\"info\",\"msg\":\"forged\"}",
		"split header":  "abc\r\nSet-Cookie: session=1",
	} {
		t.Run(name, func(t *testing.T) {
			a := newAPI(t)
			got := pingWithRequestID(t, a, incoming, true)
			if !freshID.MatchString(got) {
				t.Fatalf("id = %q, want a fresh id only", got)
			}
			f := a.accessLogs()[0].ContextMap()
			if f["request_id"] != got {
				t.Errorf("logged request_id %q, want %q", f["request_id"], got)
			}
		})
	}
}

// Every answer, success or failure of any kind, carries the chained id,
// and the request's access log line names it with the HTTP method, the
// RPC method, the status and, for a failure, the error code.
func TestRequestID_OnEveryAnswerAndInTheAccessLog(t *testing.T) {
	blocking := withRepository(func(m *sqlite.Store) application.CustomerRepository { return waitForDeadline{m} })
	tests := []struct {
		name       string
		opts       []apiOption
		httpMethod string
		target     string
		body       string
		noToken    bool
		method     string
		status     int
		code       string
	}{
		{"ping", nil, "GET", "micro.ping", "", true, "micro.ping", 200, ""},
		{"info", nil, "GET", "customer.info?id={john}", "", false, "customer.info", 200, ""},
		{"update", nil, "POST", "customer.update", `{"id":"{john}","lastName":"Smith"}`, false, "customer.update", 200, ""},
		{"create", nil, "POST", "customer.create", `{` + newCustomerArgs + `}`, false, "customer.create", 200, ""},
		{"validation_error", nil, "POST", "customer.update", `{"id":"{john}","status":"active"}`, false, "customer.update", 400, "validation_error"},
		{"customer_invalid_email", nil, "POST", "customer.update", `{"id":"{john}","email":"x"}`, false, "customer.update", 400, "customer_invalid_email"},
		{"invalid_token", nil, "POST", "customer.info", `{"id":"{john}"}`, true, "customer.info", 401, "invalid_token"},
		{"customer_not_found", nil, "POST", "customer.info", `{"id":"` + unknownID + `"}`, false, "customer.info", 404, "customer_not_found"},
		{"unknown_method in the API", nil, "POST", "customer.nope", "", true, "", 404, "unknown_method"},
		{"unknown_method outside the API", nil, "GET", "/metrics", "", true, "", 404, "unknown_method"},
		{"duplicate_key", nil, "POST", "customer.create", `{"email":"JOHN.DOE@gmail.com","password":"` + createPassword + `","firstName":"J","lastName":"D"}`, false, "customer.create", 409, "duplicate_key"},
		{"version_conflict", nil, "POST", "customer.update", `{"id":"{john}","version":9}`, false, "customer.update", 409, "version_conflict"},
		{"payload_too_large", nil, "POST", "customer.update", `{"pad":"` + strings.Repeat("a", testMaxBody) + `"}`, false, "customer.update", 413, "payload_too_large"},
		{"internal_error", []apiOption{withFailing(func() error { panic("boom") })}, "POST", "customer.info", `{"id":"{john}"}`, false, "customer.info", 500, "internal_error"},
		{"database_unavailable", []apiOption{withRequestTimeout(time.Millisecond), blocking}, "POST", "customer.info", `{"id":"{john}"}`, false, "customer.info", 503, "database_unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t, tt.opts...)
			vars := map[string]string{"john": a.addCustomer(t, "john.doe@gmail.com", johnPassword)}
			contentType := ""
			if tt.body != "" {
				contentType = jsonType
			}
			r := a.request(tt.httpMethod, fill(tt.target, vars), contentType, fill(tt.body, vars))
			if tt.noToken {
				r.Header.Del("Authorization")
			}
			r.Header.Set(httpapi.RequestIDHeader, "trace-42")
			got := a.serve(t, r)
			if got.status != tt.status || (tt.code != "" && got.body["error"] != tt.code) {
				t.Fatalf("status %d body %s, want %d %s", got.status, got.raw, tt.status, tt.code)
			}
			id := got.header.Get(httpapi.RequestIDHeader)
			if !strings.HasPrefix(id, "trace-42:") || !freshID.MatchString(strings.TrimPrefix(id, "trace-42:")) {
				t.Errorf("id = %q, want trace-42:<fresh id>", id)
			}
			assertAccessLog(t, a, accessLine{requestID: id, httpMethod: tt.httpMethod, method: tt.method, status: tt.status, errorCode: tt.code})
			// Every other line of the request names the same id.
			for _, e := range a.logs.AllUntimed() {
				if rid, ok := e.ContextMap()["request_id"]; !ok || rid != id {
					t.Errorf("log line %q has request_id %v, want %s", e.Message, rid, id)
				}
			}
		})
	}
}
