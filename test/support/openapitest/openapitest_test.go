package openapitest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/test/support/openapitest"
)

const customer = `{"email":"ada@example.com","firstName":"Ada","lastName":"Lovelace","status":"ACTIVE","tags":[],` +
	`"addresses":[],"id":"Z7Mk2BbuGGAwyCdOFebYxw","version":0,"createdAt":"2026-05-01T00:00:00Z","updatedAt":"2026-05-01T00:00:00Z"}`

// The checker is what keeps the document honest; these exchanges show it
// catches each kind of drift, and lets MicroBase's own conventions pass.
func TestChecker(t *testing.T) {
	checker, err := openapitest.New(httpapi.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		method      string
		target      string // method name and query
		contentType string
		token       bool
		body        string
		status      int
		noRequestID bool
		answer      string
		wantErr     string // "" for agreement
	}{
		{"a documented success", "POST", "customer.info", "application/json", true, `{"id":"x"}`,
			200, false, `{"ok":true,"customer":` + customer + `}`, ""},
		{"an answer with a member the document lacks", "POST", "customer.info", "application/json", true, `{"id":"x"}`,
			200, false, `{"ok":true,"customer":` + strings.Replace(customer, `{`, `{"password":"$2a$10$x",`, 1) + `}`, "password"},
		{"an answer without its request id", "POST", "customer.info", "application/json", true, `{"id":"x"}`,
			200, true, `{"ok":true,"customer":` + customer + `}`, "X-Request-Id"},
		{"a status the operation does not document", "POST", "customer.info", "application/json", true, `{"id":"x"}`,
			409, false, `{"ok":false,"error":"duplicate_key","data":{"index":"email_1","value":"a"}}`, "status is not supported"},
		{"an error code under another status", "POST", "customer.info", "application/json", true, `{"id":"x"}`,
			400, false, `{"ok":false,"error":"customer_not_found","data":{"id":"x"}}`, "customer_not_found"},
		{"a request missing a required argument, accepted", "POST", "customer.info", "application/json", true, `{}`,
			200, false, `{"ok":true,"customer":` + customer + `}`, "accepted a request the document refuses"},
		{"a request missing a required argument, refused", "POST", "customer.info", "application/json", true, `{}`,
			400, false, `{"ok":false,"error":"validation_error","data":["id: is required"]}`, ""},
		{"no token, accepted", "POST", "customer.info", "application/json", false, `{"id":"x"}`,
			200, false, `{"ok":true,"customer":` + customer + `}`, "accepted a request the document refuses"},
		{"no token, refused", "POST", "customer.info", "application/json", false, `{"id":"x"}`,
			401, false, `{"ok":false,"error":"invalid_token"}`, ""},
		{"micro.ping needs no token", "GET", "micro.ping", "", false, ``,
			200, false, `{"ok":true,"answer":"pong"}`, ""},
		{"a required argument in the query instead of the body", "POST", "customer.update?id=x", "application/json", true, `{"lastName":"King"}`,
			200, false, `{"ok":true,"customer":` + customer + `}`, ""},
		{"a JSON body without a content type", "POST", "customer.info", "", true, `{"id":"x"}`,
			200, false, `{"ok":true,"customer":` + customer + `}`, ""},
		{"a form's one empty value, the empty list", "POST", "customer.update", "application/x-www-form-urlencoded", true, `id=x&tags=`,
			200, false, `{"ok":true,"customer":` + customer + `}`, ""},
		{"a path that names no method, answered unknown_method", "POST", "customer.nope", "application/json", true, `{}`,
			404, false, `{"ok":false,"error":"unknown_method","data":{"method":"customer.nope"}}`, ""},
		{"a path that names no method, answered otherwise", "POST", "customer.nope", "application/json", true, `{}`,
			200, false, `{"ok":true}`, "must be answered 404 unknown_method"},
		{"an HTTP method the document lacks, answered method_not_allowed", "DELETE", "customer.info", "", true, ``,
			405, false, `{"ok":false,"error":"method_not_allowed"}`, ""},
		{"an HTTP method the document lacks, answered unknown_method", "DELETE", "customer.info", "", true, ``,
			404, false, `{"ok":false,"error":"unknown_method","data":{"method":"/services/customer/v1/customer.info"}}`, "must be answered 405"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, httpapi.BasePath+tt.target, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			if tt.token {
				req.Header.Set("Authorization", "Bearer a.b.c")
			}
			header := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
			if tt.status == http.StatusMethodNotAllowed {
				header.Set("Allow", "GET, POST")
			}
			if !tt.noRequestID {
				header.Set("X-Request-Id", "abc")
			}
			err := checker.Check(req, []byte(tt.body), tt.status, header, []byte(tt.answer))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("want agreement, got %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("want a disagreement about %q, got %v", tt.wantErr, err)
			}
		})
	}
}
