package workload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"syscall"
	"time"
)

// Result is one call as its client saw it.
type Result struct {
	Method string
	// Status is the HTTP status, 0 when no answer came (then Err says why).
	Status int
	// Code is the MicroBase error code of a failure answer.
	Code    string
	Raw     []byte
	Err     error
	Start   time.Time
	Latency time.Duration
}

// OK reports a success answer: 200 and "ok": true.
func (r Result) OK() bool {
	if r.Status != http.StatusOK {
		return false
	}
	var envelope struct {
		OK bool `json:"ok"`
	}
	return json.Unmarshal(r.Raw, &envelope) == nil && envelope.OK
}

// Customer is the customer of a success answer, as much of it as the
// workloads check.
type Customer struct {
	ID        string   `json:"id"`
	Email     string   `json:"email"`
	FirstName string   `json:"firstName"`
	LastName  string   `json:"lastName"`
	Status    string   `json:"status"`
	Tags      []string `json:"tags"`
	Version   int64    `json:"version"`
}

// Customer decodes the "customer" of a success answer.
func (r Result) Customer() (Customer, error) {
	var envelope struct {
		OK       bool      `json:"ok"`
		Customer *Customer `json:"customer"`
	}
	if !r.OK() || json.Unmarshal(r.Raw, &envelope) != nil || envelope.Customer == nil {
		return Customer{}, fmt.Errorf("%s: want ok with a customer, got %s", r.Method, r.Outcome())
	}
	return *envelope.Customer, nil
}

// Outcome names the answer for tallies: "200", "503 database_unavailable",
// or "no answer: <why>".
func (r Result) Outcome() string {
	switch {
	case r.Status == 0:
		return "no answer: " + whyNoAnswer(r.Err)
	case r.Code != "":
		return fmt.Sprintf("%d %s", r.Status, r.Code)
	default:
		return fmt.Sprint(r.Status)
	}
}

// whyNoAnswer keeps the kind of a transport failure and drops its
// addresses, so that outcomes of many calls add up.
func whyNoAnswer(err error) string {
	var netErr net.Error
	switch {
	case err == nil:
		return "unknown"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &netErr) && netErr.Timeout():
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	default:
		return err.Error()
	}
}
