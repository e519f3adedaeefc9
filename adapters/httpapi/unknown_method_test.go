package httpapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/microbase-io/customer-service/adapters/httpapi"
)

// Anything that is not a method of this service, inside the API's path or
// outside it, answers 404 unknown_method in the envelope. The method is
// looked up before the token is checked, so a caller without a token hears
// 404, not 401: the set of method names is public documentation anyway.
func TestUnknownMethod_Answers404InTheEnvelope(t *testing.T) {
	tests := []struct {
		name       string
		httpMethod string
		path       string
		token      bool
		data       string
	}{
		{"unknown method with a token", "POST", httpapi.BasePath + "customer.nope", true, `{"method":"customer.nope"}`},
		{"unknown method without a token", "POST", httpapi.BasePath + "customer.nope", false, `{"method":"customer.nope"}`},
		{"a method of another MicroBase service", "GET", httpapi.BasePath + "order.info", false, `{"method":"order.info"}`},
		{"method names are case-sensitive", "GET", httpapi.BasePath + "Customer.Info", true, `{"method":"Customer.Info"}`},
		{"root", "GET", "/", false, `{"method":"/"}`},
		{"health path", "GET", "/health", false, `{"method":"/health"}`},
		{"the API path itself", "GET", "/services/customer/v1/", false, `{"method":"/services/customer/v1/"}`},
		{"another version", "POST", "/services/customer/v2/customer.info", true, `{"method":"/services/customer/v2/customer.info"}`},
		{"below a method", "GET", httpapi.BasePath + "customer.info/HkhhuXESl", true, `{"method":"/services/customer/v1/customer.info/HkhhuXESl"}`},
		{"trailing slash is not redirected", "GET", httpapi.BasePath + "micro.ping/", false, `{"method":"/services/customer/v1/micro.ping/"}`},
		{"trailing slash on POST", "POST", httpapi.BasePath + "customer.info/", true, `{"method":"/services/customer/v1/customer.info/"}`},
		{"PUT of an unknown method", "PUT", httpapi.BasePath + "customer.nope", true, `{"method":"customer.nope"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t)
			r := a.request(tt.httpMethod, tt.path, "", "")
			if !tt.token {
				r.Header.Del("Authorization")
			}
			got := a.serve(t, r)
			assertError(t, got, http.StatusNotFound, "unknown_method", tt.data)
			assertAccessLog(t, a, accessLine{
				requestID: got.header.Get(httpapi.RequestIDHeader), httpMethod: tt.httpMethod,
				status: http.StatusNotFound, errorCode: "unknown_method",
			})
		})
	}
}

// A path of any length is echoed and logged cut to a bound, on a rune
// boundary and marked as cut, so that no request makes the service send
// back or log its own size.
func TestUnknownMethod_ALongPathIsEchoedAndLoggedCutShort(t *testing.T) {
	tests := []struct {
		name string
		path string
		echo string // the part of path that data.method echoes
	}{
		{"a long method name", httpapi.BasePath + strings.Repeat("m", 5000), strings.Repeat("m", 5000)},
		{"a long path outside the API", "/" + strings.Repeat("q", 5000), "/" + strings.Repeat("q", 5000)},
		{"a long path of two-byte characters", "/" + strings.Repeat("%C3%BC", 2500), "/" + strings.Repeat("ü", 2500)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t)
			got := a.serve(t, a.request(http.MethodGet, tt.path, "", ""))
			if got.status != http.StatusNotFound || got.body["error"] != "unknown_method" {
				t.Fatalf("answered %d %.300s", got.status, got.raw)
			}
			data, _ := got.body["data"].(map[string]any)
			method, _ := data["method"].(string)
			assertCutShort(t, "data.method", method, tt.echo)
			if len(got.raw) > 1024 {
				t.Errorf("the answer is %d bytes long", len(got.raw))
			}
			lines := a.accessLogs()
			if len(lines) != 1 {
				t.Fatalf("%d access log lines, want 1", len(lines))
			}
			path, _ := lines[0].ContextMap()["path"].(string)
			decoded, err := url.PathUnescape(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			assertCutShort(t, "the access log's path", path, decoded)
		})
	}
}

// assertCutShort checks that got is the start of full, cut on a rune
// boundary to at most 256 bytes, and marked as cut with "…".
func assertCutShort(t *testing.T, what, got, full string) {
	t.Helper()
	start, cut := strings.CutSuffix(got, "…")
	if !cut || !strings.HasPrefix(full, start) || len(start) > 256 || len(start) < 250 || !utf8.ValidString(got) {
		t.Errorf("%s = %q (%d bytes), want the first 256 bytes or so of %.20q… and a …", what, got, len(got), full)
	}
}
