package httpapi_test

import (
	"net/http"
	"testing"

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
