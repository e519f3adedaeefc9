package workload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// DefaultCallTimeout bounds a call on the client's side. It is far above
// any deadline the service is configured with, so a call that reaches it
// is a hung request, reported as "no answer" rather than waited on.
const DefaultCallTimeout = 30 * time.Second

// Caller sends API calls from many goroutines at once. Unlike
// servicetest.Client.Call it never ends the test: a load test counts
// every answer, and the absence of one.
type Caller struct {
	http *http.Client
	// check, when set, receives each exchange for the OpenAPI check.
	check testing.TB
}

// NewCaller returns a caller whose connections are kept alive and reused,
// as a gateway's are. With t, every exchange is also checked against the
// service's OpenAPI document (servicetest.CheckOpenAPI, which reports
// with t.Errorf and so is safe from any goroutine); without, calls cost
// the load generator less.
func NewCaller(t testing.TB) *Caller {
	c := newCaller()
	c.check = t
	return c
}

// NewUncheckedCaller is NewCaller without the OpenAPI check, for load
// whose figures the check's cost would distort.
func NewUncheckedCaller() *Caller { return newCaller() }

func newCaller() *Caller {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	// The default keeps two idle connections per host: with dozens of
	// clients, every other call would open a new connection.
	transport.MaxIdleConnsPerHost = 512
	return &Caller{http: &http.Client{Transport: transport, Timeout: DefaultCallTimeout}}
}

// CloseIdle closes the connections not in use, so that a service's count
// of goroutines no longer includes those serving them.
func (c *Caller) CloseIdle() { c.http.CloseIdleConnections() }

// Call POSTs args as JSON to method of api with api's token.
func (c *Caller) Call(ctx context.Context, api servicetest.Client, method string, args any) Result {
	return c.CallWithHeader(ctx, api, method, args, nil)
}

// CallWithHeader is Call with header added to the request's.
func (c *Caller) CallWithHeader(ctx context.Context, api servicetest.Client, method string, args any, header http.Header) Result {
	body, err := json.Marshal(args)
	if err != nil {
		panic(err) // arguments are built by the tests themselves
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, api.URL+method, bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	for name, values := range header {
		req.Header[name] = values
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+api.Token)

	r := Result{Method: method, Start: time.Now()}
	resp, err := c.http.Do(req)
	if err == nil {
		r.Raw, err = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
	}
	r.Latency = time.Since(r.Start)
	if err != nil {
		r.Err = err
		return r
	}
	r.Status = resp.StatusCode
	var envelope struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(r.Raw, &envelope) != nil {
		r.Err = errors.New("answer is not JSON")
		return r
	}
	r.Code = envelope.Error
	if c.check != nil {
		req.Body = io.NopCloser(bytes.NewReader(body))
		servicetest.CheckOpenAPI(c.check, req, body, servicetest.Answer{Status: resp.StatusCode, Header: resp.Header, Raw: r.Raw})
	}
	return r
}
