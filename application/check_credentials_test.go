package application_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/sqlitetest"
)

// credentialsCost is not bcrypt.MinCost, so that a stand-in hash made at
// some fixed low cost, rather than at the cost the use case was given,
// would be caught.
const credentialsCost = bcrypt.MinCost + 1

// longestPassword is as long as customer.create allows: all of it counts.
var longestPassword = strings.Repeat("Long-s3cret-", 6)

func seedForCredentials(t testing.TB) *sqlite.Store {
	t.Helper()
	repo := sqlitetest.Open(t)
	create := newApp(t, repo, application.SystemClock{}, credentialsCost).CreateCustomer
	for _, in := range []domain.NewCustomerInput{
		{Email: "ada@example.com", Password: "s3cret-pass", FirstName: "Ada", LastName: "Lovelace"},
		{Email: "grace@example.com", Password: "s3cret-pass", FirstName: "Grace", LastName: "Hopper", Status: new("INACTIVE")},
		{Email: "linus@example.com", Password: longestPassword, FirstName: "Linus", LastName: "Long"},
	} {
		if _, err := create.Handle(context.Background(), application.CreateCustomerCommand{Customer: in}); err != nil {
			t.Fatal(err)
		}
	}
	return repo
}

func TestCheckCredentials_FailuresAreAlikeAndEachCostsOneBcryptComparison(t *testing.T) {
	tests := []struct {
		name      string
		cred      application.Credentials
		wantErr   error
		wantDecoy bool // checked against the stand-in, not a stored customer
	}{
		{"right password", application.Credentials{Email: "ada@example.com", Password: "s3cret-pass"}, nil, false},
		{"email matched after normalisation", application.Credentials{Email: " ADA@Example.com", Password: "s3cret-pass"}, nil, false},
		{"wrong password", application.Credentials{Email: "ada@example.com", Password: "wrong-pass"}, domain.ErrBadCredentials, false},
		{"inactive customer, right password", application.Credentials{Email: "grace@example.com", Password: "s3cret-pass"}, domain.ErrBadCredentials, false},
		{"unknown email", application.Credentials{Email: "nobody@example.com", Password: "s3cret-pass"}, domain.ErrBadCredentials, true},
		{"not an email", application.Credentials{Email: "ada at example", Password: "s3cret-pass"}, domain.ErrBadCredentials, true},
		{"password too long to create", application.Credentials{Email: "ada@example.com", Password: string(make([]byte, 100))}, domain.ErrBadCredentials, false},
	}
	repo := seedForCredentials(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			uc := newApp(t, repo, application.SystemClock{}, credentialsCost).CheckCredentials
			var checked []*domain.Customer
			uc = application.WatchPasswordChecks(uc, func(c *domain.Customer, _ string, _ error) { checked = append(checked, c) })

			if err := uc.Handle(context.Background(), tt.cred); err != tt.wantErr {
				t.Fatalf("Handle = %v, want %v", err, tt.wantErr)
			}
			if len(checked) != 1 {
				t.Fatalf("%d password checks, want exactly 1", len(checked))
			}
			hash := checked[0].PasswordHash()
			cost, err := bcrypt.Cost([]byte(hash))
			if err != nil || cost != credentialsCost {
				t.Fatalf("checked against a hash of cost %d (%v), want a real bcrypt hash of cost %d", cost, err, credentialsCost)
			}
			if isDecoy := checked[0].ID() == ""; isDecoy != tt.wantDecoy {
				t.Fatalf("checked against customer %q, want the stand-in: %v", checked[0].ID(), tt.wantDecoy)
			}
		})
	}
}

// bcrypt reads only the first 72 bytes of a password, so a longer one whose
// first 72 bytes are right matches the stored hash. customer.create never
// stores such a password, so it is refused, and only after the same bcrypt
// comparison as any other attempt: the comparison itself says "match".
func TestCheckCredentials_PasswordOver72BytesIsRefusedAfterTheSameComparison(t *testing.T) {
	if len(longestPassword) != 72 {
		t.Fatalf("the seeded password is %d bytes, want 72", len(longestPassword))
	}
	tests := []struct {
		name     string
		password string
		wantErr  error
	}{
		{"the 72 bytes stored", longestPassword, nil},
		{"the 72 bytes and one more", longestPassword + "x", domain.ErrBadCredentials},
		{"the 72 bytes and a kilobyte more", longestPassword + strings.Repeat("y", 1024), domain.ErrBadCredentials},
	}
	repo := seedForCredentials(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			uc := newApp(t, repo, application.SystemClock{}, credentialsCost).CheckCredentials
			type check struct {
				id       string
				password string
				err      error
			}
			var checks []check
			uc = application.WatchPasswordChecks(uc, func(c *domain.Customer, password string, err error) {
				checks = append(checks, check{c.ID(), password, err})
			})

			if err := uc.Handle(context.Background(), application.Credentials{Email: "linus@example.com", Password: tt.password}); err != tt.wantErr {
				t.Fatalf("Handle = %v, want %v", err, tt.wantErr)
			}
			if len(checks) != 1 {
				t.Fatalf("%d password checks, want exactly 1", len(checks))
			}
			c := checks[0]
			if c.id == "" || c.password != tt.password || c.err != nil {
				t.Fatalf("checked %q (%d bytes) against %q: %v; want the whole password against Linus's hash, matching on its first 72 bytes",
					c.password, len(c.password), c.id, c.err)
			}
		})
	}
}

func TestCheckCredentials_EmptyArgumentsAreAValidationError(t *testing.T) {
	uc := newApp(t, seedForCredentials(t), application.SystemClock{}, credentialsCost).CheckCredentials
	err := uc.Handle(context.Background(), application.Credentials{})
	var ve *domain.ValidationError
	if !errors.As(err, &ve) || !slices.Equal(ve.Messages(), []string{"email: must not be empty", "password: must not be empty"}) {
		t.Fatalf("Handle = %v, want both arguments named", err)
	}
}

func TestCheckCredentials_StoreFailureIsNotBadCredentials(t *testing.T) {
	uc := newApp(t, seedForCredentials(t), application.SystemClock{}, credentialsCost).CheckCredentials
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := uc.Handle(ctx, application.Credentials{Email: "ada@example.com", Password: "s3cret-pass"}); !errors.Is(err, application.ErrUnavailable) {
		t.Fatalf("Handle = %v, want ErrUnavailable", err)
	}
}

func TestCredentials_PrintWithoutThePassword(t *testing.T) {
	cred := application.Credentials{Email: "ada@example.com", Password: "s3cret-pass"}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		if got := fmt.Sprintf(format, cred); strings.Contains(got, cred.Password) || !strings.Contains(got, cred.Email) {
			t.Errorf("%s printed %q, want the email and not the password", format, got)
		}
	}
}

// BenchmarkCheckCredentials shows, at the default cost, that each way of
// failing takes about as long as the others, and that a locked-out email
// answers alike whether anybody has it: compare the p50-ms of the
// sub-benchmarks (each call timed on its own; ns/op is their mean). It
// asserts nothing, timings being the machine's. Run it with
// go test -run '^$' -bench BenchmarkCheckCredentials -benchtime 200x ./application/
func BenchmarkCheckCredentials(b *testing.B) {
	repo := sqlitetest.Open(b)
	const cost = bcrypt.DefaultCost
	create := newApp(b, repo, application.SystemClock{}, cost).CreateCustomer
	for _, in := range []domain.NewCustomerInput{
		{Email: "ada@example.com", Password: "s3cret-pass", FirstName: "Ada", LastName: "Lovelace"},
		{Email: "grace@example.com", Password: "s3cret-pass", FirstName: "Grace", LastName: "Hopper", Status: new("INACTIVE")},
		{Email: "linus@example.com", Password: longestPassword, FirstName: "Linus", LastName: "Long"},
		{Email: "alan@example.com", Password: "s3cret-pass", FirstName: "Alan", LastName: "Turing"},
	} {
		if _, err := create.Handle(context.Background(), application.CreateCustomerCommand{Customer: in}); err != nil {
			b.Fatal(err)
		}
	}
	// No lockout while failures are timed; then one failure locks out.
	never := domain.LockoutRule{MaxFailures: math.MaxInt32, Window: time.Hour}
	failing, err := application.New(repo, application.SystemClock{}, application.Settings{BcryptCost: cost, Lockout: never})
	if err != nil {
		b.Fatal(err)
	}
	locking, err := application.New(repo, application.SystemClock{}, application.Settings{BcryptCost: cost, Lockout: domain.LockoutRule{MaxFailures: 1, Window: time.Hour}})
	if err != nil {
		b.Fatal(err)
	}
	for _, email := range []string{"alan@example.com", "locked-nobody@example.com"} {
		if err := locking.CheckCredentials.Handle(context.Background(), application.Credentials{Email: email, Password: "wrong-pass"}); !errors.Is(err, domain.ErrBadCredentials) {
			b.Fatal(err)
		}
	}
	type call struct {
		name string
		uc   application.CheckCredentials
		cred application.Credentials
		want error
	}
	// The calls compared are made in turn, so that whatever else the
	// machine does weighs on each alike.
	for _, group := range []struct {
		name  string
		calls []call
	}{
		{"failures", []call{
			{"unknown-email", failing.CheckCredentials, application.Credentials{Email: "nobody@example.com", Password: "s3cret-pass"}, domain.ErrBadCredentials},
			{"wrong-password", failing.CheckCredentials, application.Credentials{Email: "ada@example.com", Password: "wrong-pass"}, domain.ErrBadCredentials},
			{"inactive", failing.CheckCredentials, application.Credentials{Email: "grace@example.com", Password: "s3cret-pass"}, domain.ErrBadCredentials},
			{"over-72-bytes", failing.CheckCredentials, application.Credentials{Email: "linus@example.com", Password: longestPassword + "x"}, domain.ErrBadCredentials},
		}},
		{"locked-out", []call{
			{"known", locking.CheckCredentials, application.Credentials{Email: "alan@example.com", Password: "s3cret-pass"}, application.ErrLockedOut},
			{"unknown", locking.CheckCredentials, application.Credentials{Email: "locked-nobody@example.com", Password: "s3cret-pass"}, application.ErrLockedOut},
		}},
	} {
		b.Run(group.name, func(b *testing.B) {
			took := make([][]time.Duration, len(group.calls))
			for i := 0; b.Loop(); i++ {
				c := group.calls[i%len(group.calls)]
				start := time.Now()
				err := c.uc.Handle(context.Background(), c.cred)
				took[i%len(group.calls)] = append(took[i%len(group.calls)], time.Since(start))
				if !errors.Is(err, c.want) {
					b.Fatal(err)
				}
			}
			for i, c := range group.calls {
				slices.Sort(took[i])
				if len(took[i]) > 0 {
					b.ReportMetric(float64(took[i][len(took[i])/2].Nanoseconds())/1e6, c.name+"-p50-ms")
				}
			}
		})
	}
}
