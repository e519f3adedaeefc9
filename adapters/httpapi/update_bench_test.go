package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/adapters/token"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// BenchmarkUpdatePath measures what the service itself costs per
// customer.update, without a database: "service" is the whole handler
// (routing, token check, argument decoding, validation, use case over a
// store that keeps one customer in memory, JSON answer, access log line encoded as in
// production); "bare_gin" is the least any Gin service does for the same
// call: decode the body into a struct and encode a customer-shaped answer;
// "bare_gin_token" is that and the same token check, which any service
// behind MicroBase's tokens pays. make bench prints the ratios.
//
// Both write into a reused ResponseWriter and replay one reused request, so
// neither pays for the test's plumbing; the net/http server's own
// per-request cost is the same for both and left out.
func BenchmarkUpdatePath(b *testing.B) {
	b.Run("service", func(b *testing.B) {
		handler, id, tok := benchService(b)
		benchHandler(b, handler, tok, benchUpdateBodies(id))
	})
	b.Run("bare_gin", func(b *testing.B) {
		benchHandler(b, benchBareGin(nil), "", benchUpdateBodies(domain.NewID()))
	})
	b.Run("bare_gin_token", func(b *testing.B) {
		verifier, tok := benchToken(b)
		benchHandler(b, benchBareGin(verifier), tok, benchUpdateBodies(domain.NewID()))
	})
}

// benchToken is a verifier and a token it accepts.
func benchToken(b *testing.B) (*token.Verifier, string) {
	secret := []byte("update-benchmark-secret-0123456789")
	verifier, err := token.NewVerifier([][]byte{secret}, "api", 24*time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	issuer, err := token.NewIssuer(secret, "bench")
	if err != nil {
		b.Fatal(err)
	}
	tok, err := issuer.Issue("bench", []string{"api"}, time.Hour, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	return verifier, tok
}

// benchHandler replays the bodies alternately, so every service update
// really changes the customer and writes.
func benchHandler(b *testing.B, h http.Handler, tok string, bodies [2][]byte) {
	req := httptest.NewRequest(http.MethodPost, httpapi.BasePath+"customer.update", nil)
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	check := httptest.NewRecorder()
	req.Body = io.NopCloser(bytes.NewReader(bodies[1]))
	h.ServeHTTP(check, req)
	if check.Code != http.StatusOK || !bytes.HasPrefix(check.Body.Bytes(), []byte(`{"ok":true,"customer":{`)) {
		b.Fatalf("answer %d %s, want a customer", check.Code, check.Body.Bytes())
	}

	body := &benchBody{}
	w := &benchWriter{header: http.Header{}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		body.Reset(bodies[i&1])
		req.Body = body
		clear(w.header)
		w.status = 0
		h.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
		i++
	}
}

// oneCustomer is a store of one customer that patches it in memory: the
// benchmark measures the service's own path, not a database's.
type oneCustomer struct {
	application.CustomerRepository // nil: the benchmark calls Create and Patch only
	c                              *domain.Customer
}

func (s *oneCustomer) Create(_ context.Context, c *domain.Customer, _ application.NewEvent, _ application.IdempotencyKey) (*domain.Customer, error) {
	s.c = c
	return c, nil
}

func (s *oneCustomer) Patch(_ context.Context, _ string, patch domain.CustomerPatch, version *int64, now time.Time, _ application.NewEvent, _ application.IdempotencyKey) (*domain.Customer, error) {
	if err := s.c.CheckVersion(version); err != nil {
		return nil, err
	}
	c := domain.RestoreCustomer(s.c.Snapshot())
	c.Apply(patch, now)
	s.c = c
	return c, nil
}

// benchService is the router as bootstrap builds it, over a store holding
// one customer with two addresses and a few tags.
func benchService(b *testing.B) (http.Handler, string, string) {
	repo := &oneCustomer{}
	status := "ACTIVE"
	c, err := domain.NewCustomer(domain.NewCustomerInput{
		Email: "john.doe@gmail.com", Password: "bench-s3cret-pass",
		FirstName: "John", LastName: "Doe", Status: &status,
		Tags: []string{"VIP", "newsletter", "b2b"},
		Addresses: []domain.AddressInput{
			{Name: "Work", FirstName: "John", Address1: "1650 Bolman Court", PostCode: "61701",
				City: "Bloomington", State: "Illinois", Country: "US"},
			{Name: "Home", FirstName: "John", LastName: "Doe", Address1: "12 Rue de la Paix", PostCode: "75002",
				City: "Paris", State: "Ile-de-France", Country: "FR", Company: "Acme"},
		},
	}, bcrypt.MinCost, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := repo.Create(context.Background(), c, application.NewEvent{ID: domain.NewID(), At: time.Now(), Args: application.CustomerCreated{Customer: c}}, application.IdempotencyKey{}); err != nil {
		b.Fatal(err)
	}
	uc, err := application.New(repo, application.SystemClock{}, application.Settings{BcryptCost: bcrypt.MinCost})
	if err != nil {
		b.Fatal(err)
	}
	verifier, tok := benchToken(b)
	cfg := httpapi.Config{MaxBodyBytes: 1 << 20, RequestTimeout: 5 * time.Second, MaxAnswerBytes: 4 << 20, MaxHeldBytes: 32 << 20}
	return httpapi.NewRouter(cfg, uc, verifier, benchLogger().Named("http")), c.ID(), tok
}

// benchLogger encodes every access line as the production logger does
// (JSON, info level, ISO 8601 time) and throws the bytes away, so the
// encoding is counted but no I/O is.
func benchLogger() *zap.Logger {
	enc := zap.NewProductionEncoderConfig()
	enc.TimeKey = "time"
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	return zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(enc), zapcore.AddSync(io.Discard), zapcore.InfoLevel))
}

// benchUpdateBodies are two typical customer.update calls (a last name and
// the tags) that undo each other.
func benchUpdateBodies(id string) [2][]byte {
	names := [2]string{"Smith", "Jones"}
	tags := [2][]string{{"VIP", "newsletter"}, {"VIP", "b2b", "newsletter"}}
	var bodies [2][]byte
	for i := range bodies {
		bodies[i], _ = json.Marshal(map[string]any{"id": id, "lastName": names[i], "tags": tags[i]})
	}
	return bodies
}

// benchBareGin is a Gin handler with no store and no log, and no checks
// but verifier's token check when verifier is not nil.
func benchBareGin(verifier *token.Verifier) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	customer := benchCustomerJSON{
		Email: "john.doe@gmail.com", FirstName: "John", LastName: "Doe", Status: "ACTIVE",
		Tags: []string{"VIP", "newsletter", "b2b"},
		Addresses: []benchAddressJSON{
			{Name: "Work", FirstName: "John", Address1: "1650 Bolman Court", PostCode: "61701",
				City: "Bloomington", State: "Illinois", Country: "US", ID: "a1"},
			{Name: "Home", FirstName: "John", LastName: "Doe", Address1: "12 Rue de la Paix", PostCode: "75002",
				City: "Paris", State: "Ile-de-France", Country: "FR", Company: "Acme", ID: "a2"},
		},
		ID: "Z7Mk2BbuGGAwyCdOFebYxw", CreatedAt: time.Now(), UpdatedAt: time.Now(),
	}
	engine.POST(httpapi.BasePath+"customer.update", func(c *gin.Context) {
		if verifier != nil {
			if _, err := verifier.Verify(c.GetHeader("Authorization")); err != nil {
				c.Status(http.StatusUnauthorized)
				return
			}
		}
		var in struct {
			ID        string   `json:"id"`
			Email     *string  `json:"email"`
			FirstName *string  `json:"firstName"`
			LastName  *string  `json:"lastName"`
			Status    *string  `json:"status"`
			Tags      []string `json:"tags"`
		}
		if err := json.NewDecoder(c.Request.Body).Decode(&in); err != nil {
			c.Status(http.StatusBadRequest)
			return
		}
		out := customer
		out.ID = in.ID
		if in.LastName != nil {
			out.LastName = *in.LastName
		}
		if in.Tags != nil {
			out.Tags = in.Tags
		}
		out.Version++
		body, err := json.Marshal(struct {
			OK       bool              `json:"ok"`
			Customer benchCustomerJSON `json:"customer"`
		}{true, out})
		if err != nil {
			c.Status(http.StatusInternalServerError)
			return
		}
		c.Data(http.StatusOK, "application/json; charset=utf-8", body)
	})
	return engine
}

// benchCustomerJSON has the fields of the service's customer answer.
type benchCustomerJSON struct {
	Email     string             `json:"email"`
	FirstName string             `json:"firstName"`
	LastName  string             `json:"lastName"`
	Status    string             `json:"status"`
	Tags      []string           `json:"tags"`
	Addresses []benchAddressJSON `json:"addresses"`
	ID        string             `json:"id"`
	Version   int64              `json:"version"`
	CreatedAt time.Time          `json:"createdAt"`
	UpdatedAt time.Time          `json:"updatedAt"`
}

type benchAddressJSON struct {
	Name      string `json:"name"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName,omitempty"`
	Address1  string `json:"address_1"`
	PostCode  string `json:"postCode"`
	City      string `json:"city"`
	State     string `json:"state"`
	Country   string `json:"country"`
	Company   string `json:"company,omitempty"`
	ID        string `json:"id"`
}

// benchBody is a request body that can be rewound without allocating.
type benchBody struct{ bytes.Reader }

func (*benchBody) Close() error { return nil }

// benchWriter is a ResponseWriter that keeps the status and drops the body.
type benchWriter struct {
	header http.Header
	status int
}

func (w *benchWriter) Header() http.Header { return w.header }

func (w *benchWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(p), nil
}

func (w *benchWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}
