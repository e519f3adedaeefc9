package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/sqlitetest"
)

// failingUseCases stand in for the use cases; each one runs fail instead of
// the real work, so a test can make any method panic or fail in a way no
// rule anticipates.
type failingUseCases struct{ fail func() error }

func (f failingUseCases) create() application.CreateCustomer { return failingCreate(f) }
func (f failingUseCases) get() application.GetCustomer       { return failingGet(f) }
func (f failingUseCases) update() application.UpdateCustomer { return failingUpdate(f) }

type (
	failingCreate failingUseCases
	failingGet    failingUseCases
	failingUpdate failingUseCases
)

func (f failingCreate) Handle(context.Context, application.CreateCustomerCommand) (*domain.Customer, error) {
	return nil, f.fail()
}

func (f failingGet) Handle(context.Context, application.GetCustomerQuery) (*domain.Customer, error) {
	return nil, f.fail()
}

func (f failingUpdate) Handle(context.Context, application.UpdateCustomerCommand) (*domain.Customer, error) {
	return nil, f.fail()
}

// withFailing makes every use case run fail.
func withFailing(fail func() error) apiOption {
	return withUseCases(func(application.Application) application.Application {
		f := failingUseCases{fail: fail}
		return application.Application{CreateCustomer: f.create(), GetCustomer: f.get(), UpdateCustomer: f.update()}
	})
}

// validCalls are well-formed calls of each method that reach its use case.
var validCalls = []struct{ method, body string }{
	{"customer.create", `{` + newCustomerArgs + `}`},
	{"customer.info", `{"id":"` + unknownID + `"}`},
	{"customer.update", `{"id":"` + unknownID + `","lastName":"Smith"}`},
}

// A panic in a use case still gets the envelope over a live connection,
// never a dropped one, and leaves a log line, tied to the request, that
// says what happened; the client sees no trace of it.
func TestInternalError_PanicAnswers500AndIsLogged(t *testing.T) {
	for _, call := range validCalls {
		t.Run(call.method, func(t *testing.T) {
			a := newAPI(t, withFailing(func() error { panic("use case exploded at 0xdeadbeef") }))
			srv := httptest.NewServer(a.handler)
			defer srv.Close()

			req, err := http.NewRequest(http.MethodPost, srv.URL+httpapi.BasePath+call.method, strings.NewReader(call.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+a.token)
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatalf("connection dropped instead of an answer: %v", err)
			}
			raw, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			got := checkAnswer(t, res.StatusCode, res.Header, raw)
			assertError(t, got, http.StatusInternalServerError, "internal_error", "")
			if strings.Contains(got.raw, "exploded") || strings.Contains(got.raw, "goroutine") {
				t.Errorf("the panic leaked to the client: %s", got.raw)
			}

			id := got.header.Get(httpapi.RequestIDHeader)
			panics := a.logs.FilterMessage("panic while serving a request").AllUntimed()
			if len(panics) != 1 {
				t.Fatalf("%d panic log lines, want 1", len(panics))
			}
			fields := panics[0].ContextMap()
			if fields["request_id"] != id || fields["method"] != call.method ||
				!strings.Contains(fmt.Sprint(fields["panic"]), "exploded") || fields["stack"] == nil {
				t.Errorf("panic log line = %v, want request id %s, method, panic and stack", fields, id)
			}
			assertAccessLog(t, a, accessLine{requestID: id, httpMethod: "POST", method: call.method, status: 500, errorCode: "internal_error"})
		})
	}
}

// An error no rule anticipated (a driver's, say) answers internal_error;
// its text, which may name hosts or data, goes to the log only.
func TestInternalError_UnknownErrorTextStaysInTheLog(t *testing.T) {
	const driverText = "mongo: server 10.0.0.7:27017 refused: auth failed for user svc"
	for _, call := range validCalls {
		t.Run(call.method, func(t *testing.T) {
			a := newAPI(t, withFailing(func() error { return errors.New(driverText) }))
			got := a.call(t, call.method, call.body)
			assertError(t, got, http.StatusInternalServerError, "internal_error", "")
			if strings.Contains(got.raw, "10.0.0.7") || strings.Contains(got.raw, "mongo") {
				t.Errorf("error text leaked to the client: %s", got.raw)
			}
			lines := a.logs.FilterMessage("unexpected error").AllUntimed()
			if len(lines) != 1 {
				t.Fatalf("%d unexpected-error log lines, want 1", len(lines))
			}
			fields := lines[0].ContextMap()
			if fields["request_id"] != got.header.Get(httpapi.RequestIDHeader) || fields["method"] != call.method ||
				!strings.Contains(fmt.Sprint(fields["error"]), driverText) {
				t.Errorf("log line = %v, want the request id, method and the error text", fields)
			}
		})
	}
}

// waitForDeadline is a store that answers only once the call's context
// has ended, as an unreachable database does; the real store behind it
// then refuses the ended context.
type waitForDeadline struct{ *sqlite.Store }

func (r waitForDeadline) Create(ctx context.Context, c *domain.Customer, ev application.NewEvent, k application.IdempotencyKey) (*domain.Customer, error) {
	<-ctx.Done()
	return r.Store.Create(ctx, c, ev, k)
}

func (r waitForDeadline) Get(ctx context.Context, id string) (*domain.Customer, error) {
	<-ctx.Done()
	return r.Store.Get(ctx, id)
}

func (r waitForDeadline) Patch(ctx context.Context, id string, p domain.CustomerPatch, v *int64, now time.Time, ev application.NewEvent, k application.IdempotencyKey) (*domain.Customer, error) {
	<-ctx.Done()
	return r.Store.Patch(ctx, id, p, v, now, ev, k)
}

// unreachable is a store that reports it cannot be reached, wrapped as a
// driver adapter would.
type unreachable struct{ *sqlite.Store }

var errUnreachable = fmt.Errorf("dial tcp 10.0.0.7:27017: connection refused: %w", application.ErrUnavailable)

func (unreachable) Create(context.Context, *domain.Customer, application.NewEvent, application.IdempotencyKey) (*domain.Customer, error) {
	return nil, errUnreachable
}
func (unreachable) Get(context.Context, string) (*domain.Customer, error) {
	return nil, errUnreachable
}

func (unreachable) Patch(context.Context, string, domain.CustomerPatch, *int64, time.Time, application.NewEvent, application.IdempotencyKey) (*domain.Customer, error) {
	return nil, errUnreachable
}

// unconfirmed is a store whose writes reach the database, which cannot
// confirm them (MongoDB's write concern failed).
type unconfirmed struct{ *sqlite.Store }

var errUnconfirmed = fmt.Errorf("%w: write concern error: waiting for replication timed out", application.ErrOutcomeUnknown)

func (unconfirmed) Create(context.Context, *domain.Customer, application.NewEvent, application.IdempotencyKey) (*domain.Customer, error) {
	return nil, errUnconfirmed
}

// A store that does not answer within the request timeout, or says it is
// unreachable, gives 503 database_unavailable: the client may retry. The
// cause is logged once, at warn, with the request id: an expected fault,
// not an internal error with its stack.
func TestDatabaseUnavailable_Answers503(t *testing.T) {
	stores := []struct {
		name string
		opts []apiOption
	}{
		{"deadline passes", []apiOption{
			withRequestTimeout(time.Millisecond),
			withRepository(func(m *sqlite.Store) application.CustomerRepository { return waitForDeadline{m} }),
		}},
		{"store unreachable", []apiOption{
			withRepository(func(m *sqlite.Store) application.CustomerRepository { return unreachable{m} }),
		}},
	}
	for _, store := range stores {
		for _, call := range validCalls {
			t.Run(store.name+"/"+call.method, func(t *testing.T) {
				a := newAPI(t, store.opts...)
				got := a.call(t, call.method, call.body)
				assertError(t, got, http.StatusServiceUnavailable, "database_unavailable", "")
				if strings.Contains(got.raw, "10.0.0.7") {
					t.Errorf("driver text leaked: %s", got.raw)
				}
				if all := sqlitetest.Customers(t, a.repo); len(all) != 0 {
					t.Errorf("store holds %d customers, want none written", len(all))
				}
				if n := a.logs.FilterMessage("unexpected error").Len(); n != 0 {
					t.Errorf("an unavailable store is expected, yet logged %d unexpected errors", n)
				}
				warned := a.logs.FilterMessage("database unavailable").AllUntimed()
				if len(warned) != 1 || warned[0].Level != zapcore.WarnLevel {
					t.Fatalf("logged %v, want the cause once at warn", warned)
				}
				fields := warned[0].ContextMap()
				if fields["request_id"] != got.header.Get(httpapi.RequestIDHeader) || fields["method"] != call.method || fields["error"] == "" {
					t.Errorf("log line = %v, want the request id, method and the cause", fields)
				}
			})
		}
	}
}

// A write the store could not confirm is 503 database_unavailable too, but
// its data says that it may have happened: the client is not told that
// nothing was written.
func TestUnconfirmedWrite_Answers503WithAnUnknownOutcome(t *testing.T) {
	a := newAPI(t, withRepository(func(m *sqlite.Store) application.CustomerRepository { return unconfirmed{m} }))
	got := a.call(t, "customer.create", `{`+newCustomerArgs+`}`)
	assertError(t, got, http.StatusServiceUnavailable, "database_unavailable", `{"written":"unknown"}`)
	if n := a.logs.FilterMessage("database unavailable").FilterLevelExact(zapcore.WarnLevel).Len(); n != 1 {
		t.Errorf("logged the cause %d times at warn, want once", n)
	}
}
