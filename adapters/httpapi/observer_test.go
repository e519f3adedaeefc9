package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/adapters/token"
)

// recordingObserver keeps what the router reported.
type recordingObserver struct {
	mu       sync.Mutex
	requests []httpapi.ServedRequest
	refused  []token.Reason
	held     []int64
}

func (o *recordingObserver) BytesHeld(n int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.held = append(o.held, n)
}

func (o *recordingObserver) RequestServed(r httpapi.ServedRequest) {
	o.mu.Lock()
	defer o.mu.Unlock()
	r.Duration, r.Bytes = 0, 0 // how long and how much are not what these tests are about
	o.requests = append(o.requests, r)
}

func (o *recordingObserver) TokenRefused(r token.Reason) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.refused = append(o.refused, r)
}

func withObserver(o httpapi.Observer) apiOption {
	return func(s *apiSetup) { s.cfg.Observer = o }
}

func TestObserver_HearsEveryRequestByMethodStatusAndCode(t *testing.T) {
	expired := issueToken(t, testSecret, []string{testScope}, time.Now().Add(-2*time.Hour), time.Hour)
	tests := []struct {
		name        string
		request     func(a *api) *http.Request
		want        httpapi.ServedRequest
		wantRefusal token.Reason
	}{
		{"a success", func(a *api) *http.Request {
			return a.request(http.MethodPost, "customer.create", jsonType, `{"email":"ada@example.com","password":"`+createPassword+`","firstName":"Ada","lastName":"L"}`)
		}, httpapi.ServedRequest{Method: "customer.create", Status: 200}, ""},
		{"a failure names its code", func(a *api) *http.Request {
			return a.request(http.MethodGet, "customer.info?id="+unknownID, "", "")
		}, httpapi.ServedRequest{Method: "customer.info", Status: 404, ErrorCode: "customer_not_found"}, ""},
		{"an unknown method is labelled unknown, whatever the path", func(a *api) *http.Request {
			return a.request(http.MethodPost, "customer.nope", jsonType, `{}`)
		}, httpapi.ServedRequest{Method: httpapi.UnknownMethod, Status: 404, ErrorCode: "unknown_method"}, ""},
		{"a path outside the API is unknown too", func(a *api) *http.Request {
			return a.request(http.MethodGet, "/wp-admin/x.php", "", "")
		}, httpapi.ServedRequest{Method: httpapi.UnknownMethod, Status: 404, ErrorCode: "unknown_method"}, ""},
		{"a missing token is refused as missing", func(a *api) *http.Request {
			r := a.request(http.MethodPost, "customer.info", jsonType, `{"id":"x"}`)
			r.Header.Del("Authorization")
			return r
		}, httpapi.ServedRequest{Method: "customer.info", Status: 401, ErrorCode: "invalid_token"}, token.ReasonMissing},
		{"an expired token is refused as expired", func(a *api) *http.Request {
			r := a.request(http.MethodPost, "customer.info", jsonType, `{"id":"x"}`)
			r.Header.Set("Authorization", "Bearer "+expired)
			return r
		}, httpapi.ServedRequest{Method: "customer.info", Status: 401, ErrorCode: "invalid_token"}, token.ReasonExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := &recordingObserver{}
			a := newAPI(t, withObserver(o))
			a.serve(t, tt.request(a))
			if !slices.Equal(o.requests, []httpapi.ServedRequest{tt.want}) {
				t.Errorf("observer heard %+v, want %+v", o.requests, tt.want)
			}
			var wantRefused []token.Reason
			if tt.wantRefusal != "" {
				wantRefused = []token.Reason{tt.wantRefusal}
			}
			if !slices.Equal(o.refused, wantRefused) {
				t.Errorf("refusals %v, want %v", o.refused, wantRefused)
			}
		})
	}
}

func TestObserver_HearsAPanicAsAnInternalError(t *testing.T) {
	o := &recordingObserver{}
	a := newAPI(t, withObserver(o), withFailing(func() error { panic("use case exploded") }))
	a.serve(t, a.request(http.MethodPost, "customer.info", jsonType, `{"id":"x"}`))
	want := []httpapi.ServedRequest{{Method: "customer.info", Status: 500, ErrorCode: "internal_error"}}
	if !slices.Equal(o.requests, want) {
		t.Errorf("observer heard %+v, want %+v", o.requests, want)
	}
}

func TestOpenAPIDocumentIsServedPubliclyAsJSON(t *testing.T) {
	o := &recordingObserver{}
	a := newAPI(t, withObserver(o))
	// No token, and not through serve: the document speaks of passwords.
	r := httptest.NewRequest(http.MethodGet, httpapi.BasePath+httpapi.OpenAPIDocument, nil)
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("answered %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if !bytes.Equal(rec.Body.Bytes(), httpapi.OpenAPI()) || !json.Valid(rec.Body.Bytes()) {
		t.Fatal("the document served is not httpapi.OpenAPI(), or not JSON")
	}
	checkAgainstOpenAPI(t, r, nil, rec.Code, rec.Header(), rec.Body.Bytes())
	if want := []httpapi.ServedRequest{{Method: httpapi.OpenAPIDocument, Status: 200}}; !slices.Equal(o.requests, want) {
		t.Errorf("observer heard %+v, want %+v", o.requests, want)
	}
	// Only GET serves it; it is not a method.
	assertError(t, a.serve(t, a.request(http.MethodPost, httpapi.OpenAPIDocument, jsonType, `{}`)),
		404, "unknown_method", `{"method":"openapi.json"}`)
}
