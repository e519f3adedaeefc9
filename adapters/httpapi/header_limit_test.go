package httpapi_test

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/microbase-io/customer-service/adapters/httpapi"
)

// A request whose line and headers pass 64 KiB is refused by the service
// itself, on the server it runs, so the client gets the envelope with a
// request id and the access log a line; one under the limit is served.
func TestHeaderLimit_Over64KiBIs431InTheEnvelope(t *testing.T) {
	kib := func(n int) string { return strings.Repeat("x", n<<10) }
	tests := []struct {
		name   string
		query  string
		header http.Header
		status int
		code   string
	}{
		{"one header of 65 KiB", "", http.Header{"X-Big": {kib(65)}}, 431, "header_too_large"},
		{"headers adding up to 65 KiB", "", manyHeaders(65, kib(1)), 431, "header_too_large"},
		{"a query of 65 KiB", "&pad=" + kib(65), nil, 431, "header_too_large"},
		{"a header of 60 KiB is read", "", http.Header{"X-Big": {kib(60)}}, 404, "customer_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := &recordingObserver{}
			a := newAPI(t, withObserver(o))
			addr := startServer(t, a.handler)
			req, err := http.NewRequest(http.MethodGet, "http://"+addr+httpapi.BasePath+"customer.info?id="+unknownID+tt.query, nil)
			if err != nil {
				t.Fatal(err)
			}
			for name, values := range tt.header {
				req.Header[name] = values
			}
			req.Header.Set("Authorization", "Bearer "+a.token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			raw, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}

			checkAgainstOpenAPI(t, req, nil, res.StatusCode, res.Header, raw)
			got := checkAnswer(t, res.StatusCode, res.Header, raw)
			if got.status != tt.status || got.body["error"] != tt.code {
				t.Fatalf("answered %d %s, want %d %s", got.status, raw, tt.status, tt.code)
			}
			method, counted := "customer.info", "customer.info"
			if tt.status == http.StatusRequestHeaderFieldsTooLarge {
				// refused before any handler of the method runs
				method, counted = "", httpapi.UnknownMethod
			}
			assertAccessLog(t, a, accessLine{requestID: res.Header.Get(httpapi.RequestIDHeader), httpMethod: "GET",
				method: method, status: tt.status, errorCode: tt.code})
			want := httpapi.ServedRequest{Method: counted, Status: tt.status, ErrorCode: tt.code}
			if !slices.Equal(o.requests, []httpapi.ServedRequest{want}) {
				t.Errorf("observer heard %+v, want %+v", o.requests, want)
			}
		})
	}
}

// manyHeaders is n headers, each holding value.
func manyHeaders(n int, value string) http.Header {
	h := http.Header{}
	for i := range n {
		h.Set(fmt.Sprintf("X-Pad-%d", i), value)
	}
	return h
}
