package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/adapters/token"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// keyed is a JSON call of method with an Idempotency-Key; token "" is the
// api's own.
func (a *api) keyed(t *testing.T, method, body, key, token string) answer {
	t.Helper()
	r := a.request(http.MethodPost, method, "application/json", body)
	r.Header.Set(httpapi.IdempotencyKeyHeader, key)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return a.serve(t, r)
}

// Every write sent twice with one key: the copy gets the first answer,
// byte for byte, and writes nothing, even when the customer changed in
// between.
func TestAWriteSentAgainWithItsKeyGetsTheFirstAnswerAndWritesNothing(t *testing.T) {
	a := newAPI(t)
	id := a.addCustomer(t, "john.doe@gmail.com", johnPassword)
	address := `{"name":"Home","firstName":"John","address_1":"2 Main Street","postCode":"61702","city":"Bloomington","state":"Illinois","country":"US"}`
	tests := []struct {
		method, body string
	}{
		{"customer.update", `{"id":"` + id + `","lastName":"Smith"}`},
		{"customer.address.create", `{"customerId":"` + id + `","addresses":[` + address + `]}`},
		{"customer.create", `{"email":"jane@example.com","password":"` + janePassword + `","firstName":"Jane","lastName":"Roe"}`},
		{"customer.remove", `{"id":"` + id + `"}`},
	}
	for i, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			key := "key-" + tt.method
			first := a.keyed(t, tt.method, tt.body, key, "")
			if first.status != http.StatusOK {
				t.Fatalf("first call: %d %s", first.status, first.raw)
			}
			removed := tt.method == "customer.remove"
			var before domain.CustomerSnapshot
			if !removed {
				// Another write in between: the copy still answers the first.
				a.call(t, "customer.update", `{"id":"`+id+`","firstName":"Johnny`+strings.Repeat("y", i)+`"}`)
				before = a.stored(t, id)
			}
			again := a.keyed(t, tt.method, tt.body, key, "")
			if again.status != first.status || again.raw != first.raw {
				t.Fatalf("copy answered %d %s, want the first answer %d %s", again.status, again.raw, first.status, first.raw)
			}
			if !removed {
				if after := a.stored(t, id); after.Version != before.Version {
					t.Fatalf("the copy wrote: version %d, then %d", before.Version, after.Version)
				}
			}
		})
	}
}

// The same key with other arguments, or for another method, is refused
// and writes nothing.
func TestAKeyWithOtherArgumentsIs422(t *testing.T) {
	a := newAPI(t)
	id := a.addCustomer(t, "john.doe@gmail.com", johnPassword)
	if got := a.keyed(t, "customer.update", `{"id":"`+id+`","lastName":"Smith"}`, "k1", ""); got.status != http.StatusOK {
		t.Fatalf("first: %d %s", got.status, got.raw)
	}
	for _, c := range []struct{ method, body string }{
		{"customer.update", `{"id":"` + id + `","lastName":"Jones"}`},
		{"customer.update", `{"id":"` + id + `","lastName":"Smith","status":"INACTIVE"}`},
		{"customer.remove", `{"id":"` + id + `"}`},
	} {
		assertError(t, a.keyed(t, c.method, c.body, "k1", ""), http.StatusUnprocessableEntity, "idempotency_key_reused", "")
	}
	if s := a.stored(t, id); s.LastName != "Smith" || s.Version != 1 {
		t.Fatalf("stored %+v, want the first write alone", s)
	}
}

// The same arguments written another way are the same call: JSON members
// in another order, other spacing.
func TestACopyWrittenDifferentlyIsTheSameCall(t *testing.T) {
	a := newAPI(t)
	id := a.addCustomer(t, "john.doe@gmail.com", johnPassword)
	first := a.keyed(t, "customer.update", `{"id":"`+id+`","lastName":"Smith","tags":["VIP","GOLD"]}`, "k", "")
	again := a.keyed(t, "customer.update", `{ "tags" : [ "VIP", "GOLD" ], "lastName":"Smith", "id":"`+id+`" }`, "k", "")
	if again.status != http.StatusOK || again.raw != first.raw {
		t.Fatalf("copy answered %d %s, want %s", again.status, again.raw, first.raw)
	}
}

// Keys belong to the token's subject: another subject's same key is
// another key.
func TestKeysBelongToTheTokensSubject(t *testing.T) {
	a := newAPI(t)
	id := a.addCustomer(t, "john.doe@gmail.com", johnPassword)
	other := issueTokenFor(t, "service-b")
	a.keyed(t, "customer.update", `{"id":"`+id+`","lastName":"Smith"}`, "shared", "")
	if got := a.keyed(t, "customer.update", `{"id":"`+id+`","lastName":"Jones"}`, "shared", other); got.status != http.StatusOK {
		t.Fatalf("another subject's key: %d %s, want its own write", got.status, got.raw)
	}
	if s := a.stored(t, id); s.LastName != "Jones" || s.Version != 2 {
		t.Fatalf("stored %+v, want both writes", s)
	}
}

func TestAMalformedKeyIsAValidationError(t *testing.T) {
	a := newAPI(t)
	id := a.addCustomer(t, "john.doe@gmail.com", johnPassword)
	for name, key := range map[string]string{
		"empty":       "",
		"too long":    strings.Repeat("k", 256),
		"with spaces": "a key",
		"not ASCII":   "clé",
	} {
		t.Run(name, func(t *testing.T) {
			got := a.keyed(t, "customer.update", `{"id":"`+id+`","lastName":"Smith"}`, key, "")
			assertError(t, got, http.StatusBadRequest, "validation_error",
				`["Idempotency-Key: must be one value of 1 to 255 visible ASCII characters"]`)
		})
	}
	if s := a.stored(t, id); s.Version != 0 {
		t.Fatalf("a refused call wrote: %+v", s)
	}
}

// gate holds every address creation inside the store until it is opened.
type gate struct {
	*sqlite.Store
	entered chan struct{}
	open    chan struct{}
}

func (g gate) Update(ctx context.Context, id string, k application.IdempotencyKey, change func(*domain.Customer) (application.NewEvent, error)) (*domain.Customer, error) {
	g.entered <- struct{}{}
	<-g.open
	return g.Store.Update(ctx, id, k, change)
}

// A copy sent while the first is still running is 409 at once; once the
// first has answered, a copy gets its answer.
func TestACopyWhileTheFirstRunsIs409(t *testing.T) {
	g := gate{entered: make(chan struct{}, 1), open: make(chan struct{})}
	a := newAPI(t, withRepository(func(m *sqlite.Store) application.CustomerRepository {
		g.Store = m
		return g
	}))
	id := a.addCustomer(t, "john.doe@gmail.com", johnPassword)
	body := `{"customerId":"` + id + `","addresses":[{"name":"Home","firstName":"John","address_1":"2 Main Street",` +
		`"postCode":"61702","city":"Bloomington","state":"Illinois","country":"US"}]}`
	var first answer
	var wg sync.WaitGroup
	wg.Go(func() { first = a.keyed(t, "customer.address.create", body, "k", "") })
	select {
	case <-g.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the first call never reached the store")
	}
	assertError(t, a.keyed(t, "customer.address.create", body, "k", ""), http.StatusConflict, "idempotency_key_in_use", "")
	close(g.open)
	wg.Wait()
	go func() { <-g.entered }() // the copy passes the gate too
	if again := a.keyed(t, "customer.address.create", body, "k", ""); again.raw != first.raw {
		t.Fatalf("copy after the first answered %s, want %s", again.raw, first.raw)
	}
	if s := a.stored(t, id); len(s.Addresses) != 1 {
		t.Fatalf("%d addresses, want 1", len(s.Addresses))
	}
}

func issueTokenFor(t *testing.T, subject string) string {
	t.Helper()
	return issueSubjectToken(t, testSecret, subject, []string{testScope}, time.Now(), time.Hour)
}

// tokenFrom is a valid token that issuer issued for subject ("" for none).
func tokenFrom(t *testing.T, issuer, subject string) string {
	t.Helper()
	i, err := token.NewIssuer(testSecret, issuer)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := i.Issue(subject, []string{testScope}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// A key is kept for a subject; a token without one has nobody to keep it
// for, so its keyed write is refused whole, while its writes without a key
// go on.
func TestAKeyedWriteWithATokenWithoutSubjectIs400(t *testing.T) {
	a := newAPI(t)
	id := a.addCustomer(t, "john.doe@gmail.com", johnPassword)
	anonymous := tokenFrom(t, "microbase", "")
	got := a.keyed(t, "customer.update", `{"id":"`+id+`","lastName":"Smith"}`, "k1", anonymous)
	assertError(t, got, http.StatusBadRequest, "validation_error",
		`["Idempotency-Key: needs a token that names its subject (sub)"]`)
	if s := a.stored(t, id); s.Version != 0 {
		t.Fatalf("the refused call wrote: %+v", s)
	}
	r := a.request(http.MethodPost, "customer.update", "application/json", `{"id":"`+id+`","lastName":"Smith"}`)
	r.Header.Set("Authorization", "Bearer "+anonymous)
	if got := a.serve(t, r); got.status != http.StatusOK {
		t.Fatalf("the same call without a key: %d %s", got.status, got.raw)
	}
}

// Two issuers may both name a subject "service-a": their keys are their
// own, so the same key sent by each is two writes, and each copy gets its
// own first answer.
func TestTwoIssuersWithTheSameSubjectAndKeyNeverShareARecord(t *testing.T) {
	a := newAPI(t)
	id := a.addCustomer(t, "john.doe@gmail.com", johnPassword)
	shop, billing := tokenFrom(t, "shop", "service-a"), tokenFrom(t, "billing", "service-a")
	first := a.keyed(t, "customer.update", `{"id":"`+id+`","lastName":"Smith"}`, "shared", shop)
	other := a.keyed(t, "customer.update", `{"id":"`+id+`","lastName":"Jones"}`, "shared", billing)
	if first.status != http.StatusOK || other.status != http.StatusOK {
		t.Fatalf("answers %d %s and %d %s, want both writes done", first.status, first.raw, other.status, other.raw)
	}
	if s := a.stored(t, id); s.LastName != "Jones" || s.Version != 2 {
		t.Fatalf("stored %+v, want both writes", s)
	}
	for _, c := range []struct {
		token, body string
		want        answer
	}{
		{shop, `{"id":"` + id + `","lastName":"Smith"}`, first},
		{billing, `{"id":"` + id + `","lastName":"Jones"}`, other},
	} {
		if again := a.keyed(t, "customer.update", c.body, "shared", c.token); again.raw != c.want.raw {
			t.Fatalf("copy answered %s, want its own first answer %s", again.raw, c.want.raw)
		}
	}
	if s := a.stored(t, id); s.Version != 2 {
		t.Fatalf("a copy wrote: version %d", s.Version)
	}
}
