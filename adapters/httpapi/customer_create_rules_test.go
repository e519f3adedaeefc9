package httpapi_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// passwordLengthCases are the passwords of the length test; none may come
// back in an answer or reach a log line.
var passwordLengthCases = []struct {
	name, password string
	ok             bool
}{
	{"7 bytes", strings.Repeat("p", 7), false},
	{"8 bytes", strings.Repeat("p", 8), true},
	{"72 bytes", strings.Repeat("p", 72), true},
	{"73 bytes", strings.Repeat("p", 73), false},
	{"36 two-byte letters: 72 bytes", strings.Repeat("é", 36), true},
	{"37 two-byte letters: 74 bytes", strings.Repeat("é", 37), false},
}

func init() {
	for _, c := range passwordLengthCases {
		plainPasswords = append(plainPasswords, c.password)
	}
}

// Passwords are counted in bytes, as bcrypt counts them: it ignores every
// byte after the 72nd, so a longer password is refused rather than
// silently cut.
func TestCustomerCreate_PasswordsOf8To72Bytes(t *testing.T) {
	for _, tt := range passwordLengthCases {
		t.Run(tt.name, func(t *testing.T) {
			a := newFullAPI(t)
			got := a.call(t, "customer.create", `{"email":"ada@example.com","password":"`+tt.password+`","firstName":"Ada","lastName":"Lovelace"}`)
			if !tt.ok {
				assertError(t, got, 400, "validation_error", `["password: must be 8 to 72 bytes long"]`)
				return
			}
			customerOf(t, got)
			ok := a.call(t, "customer.checkCredentials", `{"email":"ada@example.com","password":"`+tt.password+`"}`)
			if ok.status != 200 {
				t.Fatalf("the password does not sign in: %s", ok.raw)
			}
		})
	}
}

// countingStore counts the writes a call makes.
type countingStore struct {
	*sqlite.Store
	creates, others atomic.Int32
}

func (s *countingStore) Create(ctx context.Context, c *domain.Customer, ev application.NewEvent, k application.IdempotencyKey) (*domain.Customer, error) {
	s.creates.Add(1)
	return s.Store.Create(ctx, c, ev, k)
}

func (s *countingStore) Update(ctx context.Context, id string, k application.IdempotencyKey, change func(*domain.Customer) (application.NewEvent, error)) (*domain.Customer, error) {
	s.others.Add(1)
	return s.Store.Update(ctx, id, k, change)
}

func (s *countingStore) Patch(ctx context.Context, id string, p domain.CustomerPatch, v *int64, now time.Time, ev application.NewEvent, k application.IdempotencyKey) (*domain.Customer, error) {
	s.others.Add(1)
	return s.Store.Patch(ctx, id, p, v, now, ev, k)
}

func TestCustomerCreate_WritesTheWholeCustomerInOneInsert(t *testing.T) {
	var store *countingStore
	a := newFullAPI(t, func(m *sqlite.Store) application.CustomerRepository {
		store = &countingStore{Store: m}
		return store
	})
	c := customerOf(t, a.call(t, "customer.create", `{"email":"ada@example.com","password":"`+adaPassword+`","firstName":"Ada","lastName":"Lovelace",`+
		`"tags":["VIP"],"status":"INACTIVE","addresses":[`+workAddressJSON+`,`+workAddressJSON+`]}`))
	if store.creates.Load() != 1 || store.others.Load() != 0 {
		t.Fatalf("%d creates and %d other writes, want one create", store.creates.Load(), store.others.Load())
	}
	s := a.stored(t, c["id"].(string))
	if len(s.Addresses) != 2 || s.Addresses[0].ID == s.Addresses[1].ID || s.Status != "INACTIVE" || s.Version != 0 {
		t.Fatalf("stored %+v, want everything of the call at version 0", s)
	}
}

// customer.create checks addresses exactly as customer.address.create does.
func TestCustomerCreate_ValidatesAddressesAsAddressCreateDoes(t *testing.T) {
	badCity := strings.Replace(workAddressJSON, `"city":"Bloomington"`, `"city":""`, 1)
	badCountry := strings.Replace(workAddressJSON, `"country":"US"`, `"country":"EU"`, 1)
	for _, tt := range []struct{ name, addresses, code, data string }{
		{"a required field empty", `[` + workAddressJSON + `,` + badCity + `]`, "validation_error", `["addresses[1].city: must not be empty"]`},
		{"not an ISO 3166-1 alpha-2 country", `[` + badCountry + `]`, "address_contry_invalid", `{"country":"EU"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := newFullAPI(t)
			id := a.addCustomer(t, "grace@example.com", gracePassword)
			create := a.call(t, "customer.create", `{"email":"ada@example.com","password":"`+adaPassword+`","firstName":"Ada","lastName":"Lovelace","addresses":`+tt.addresses+`}`)
			assertError(t, create, 400, tt.code, tt.data)
			add := a.call(t, "customer.address.create", `{"customerId":"`+id+`","addresses":`+tt.addresses+`}`)
			assertError(t, add, 400, tt.code, tt.data)
		})
	}
}
