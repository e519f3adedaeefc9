package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/microbase-io/customer-service/adapters/httpapi"
)

// A method's path called with an HTTP method other than GET or POST is 405
// with Allow: GET, POST, in the envelope, whether or not a token comes
// with it; logged and counted under the method it names.
func TestMethodNotAllowed_OtherHTTPMethodsOnAMethodPathAre405WithAllow(t *testing.T) {
	for _, tt := range []struct {
		httpMethod, method string
		token              bool
	}{
		{http.MethodPut, "customer.update", true},
		{http.MethodDelete, "customer.info", true},
		{http.MethodPatch, "customer.address.update", false},
		{http.MethodHead, "customer.info", true},
		{http.MethodOptions, "micro.ping", false},
		{"PURGE", "customer.list", true},
	} {
		t.Run(tt.httpMethod+" "+tt.method, func(t *testing.T) {
			o := &recordingObserver{}
			a := newAPI(t, withObserver(o))
			r := a.request(tt.httpMethod, tt.method, "", "")
			if !tt.token {
				r.Header.Del("Authorization")
			}
			got := a.serve(t, r)
			assertError(t, got, http.StatusMethodNotAllowed, "method_not_allowed", "")
			if allow := got.header.Get("Allow"); allow != "GET, POST" {
				t.Errorf("Allow = %q, want GET, POST", allow)
			}
			assertAccessLog(t, a, accessLine{
				requestID: got.header.Get(httpapi.RequestIDHeader), httpMethod: tt.httpMethod,
				method: tt.method, status: http.StatusMethodNotAllowed, errorCode: "method_not_allowed",
			})
			want := httpapi.ServedRequest{Method: tt.method, Status: http.StatusMethodNotAllowed, ErrorCode: "method_not_allowed"}
			if len(o.requests) != 1 || o.requests[0] != want {
				t.Errorf("observer heard %+v, want %+v", o.requests, want)
			}
		})
	}
}
