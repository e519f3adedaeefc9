package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// NewStorePair returns two stores over one empty database, as two
// instances of the service on one store open it: two opens of one SQLite
// directory, two repositories on one MongoDB database.
type NewStorePair func(t *testing.T) (Store, Store)

// RunPasswords runs the part of the contract about a customer's password
// over its life (application.PasswordRepository), through the use cases
// that rely on it; each subtest gets its own empty store.
func RunPasswords(t *testing.T, newRepo NewRepository, newPair NewStorePair) {
	tests := []struct {
		name string
		run  func(t *testing.T, repo Store)
	}{
		{"AChangeIsAWriteAndTheOldPasswordStopsWorking", aChangeIsAWriteAndTheOldPasswordStopsWorking},
		{"AWrongCurrentPasswordOrAnInactiveCustomerChangesNothing", aWrongCurrentPasswordOrAnInactiveCustomerChangesNothing},
		{"AKeyedChangeSentAgainAnswersTheFirst", aKeyedChangeSentAgainAnswersTheFirst},
		{"ATokenResetsOnceAndLiftsTheLockout", aTokenResetsOnceAndLiftsTheLockout},
		{"ATokenDiesExpiredSupersededOrByAChange", aTokenDiesExpiredSupersededOrByAChange},
		{"AKeyedResetSentAgainAnswersTheFirst", aKeyedResetSentAgainAnswersTheFirst},
		{"ATokenForAnUnknownOrInactiveEmailIsNotFoundWithTheEmail", aTokenForAnUnknownOrInactiveEmailIsNotFound},
		{"ATokenUsedTwiceConcurrentlyResetsOnce", aTokenUsedTwiceConcurrentlyResetsOnce},
		{"LockoutAnswersAlikeForKnownAndUnknownEmailsAndEnds", lockoutAnswersAlikeAndEnds},
		{"ARehashChangesNothingClientsSee", aRehashChangesNothingClientsSee},
		{"ARehashRacingAChangeKeepsTheChange", aRehashRacingAChangeKeepsTheChange},
		{"NoSecretInWhatTheStoreAndUseCasesReturnOrRecord", noSecretInWhatIsReturnedOrRecorded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newRepo(t)) })
	}
	t.Run("LockoutIsSharedByInstancesOnOneStore", func(t *testing.T) {
		a, b := newPair(t)
		lockoutIsSharedByInstances(t, a, b)
	})
	t.Run("AttemptsRacingOnTwoInstancesAreComparedNoMoreThanTheRuleAllows", func(t *testing.T) {
		a, b := newPair(t)
		attemptsRacingAreComparedNoMoreThanTheRuleAllows(t, a, b)
	})
}

const (
	oldPassword = "correct horse"
	newPassword = "battery staple"
)

var rule = domain.LockoutRule{MaxFailures: 3, Window: 15 * time.Minute}

// testClock is a clock a test moves; it starts at now().
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock { return &testClock{t: now().Add(time.Hour)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func useCases(t *testing.T, s Store, clock application.Clock) application.Application {
	t.Helper()
	app, err := application.New(s, clock, application.Settings{BcryptCost: bcrypt.MinCost, Lockout: rule})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// signUp creates an active customer whose password is oldPassword.
func signUp(t *testing.T, app application.Application, email string) *domain.Customer {
	t.Helper()
	c, err := app.CreateCustomer.Handle(ctx(t), application.CreateCustomerCommand{Customer: domain.NewCustomerInput{
		Email: email, Password: oldPassword, FirstName: "Ada", LastName: "Lovelace",
	}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func signIn(t *testing.T, app application.Application, email, password string) error {
	return app.CheckCredentials.Handle(ctx(t), application.Credentials{Email: email, Password: password})
}

func newToken(t *testing.T, app application.Application, email string) application.PasswordTokenGrant {
	t.Helper()
	g, err := app.CreatePasswordToken.Handle(ctx(t), application.CreatePasswordTokenCommand{Email: email})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func reset(t *testing.T, app application.Application, token, password string) (*domain.Customer, error) {
	return app.ResetPassword.Handle(ctx(t), application.ResetPasswordCommand{Token: token, NewPassword: password})
}

// wantSignIn holds what signing in with each password answers.
func wantSignIn(t *testing.T, app application.Application, email string, answers map[string]error) {
	t.Helper()
	for password, want := range answers {
		if err := signIn(t, app, email, password); !errors.Is(err, want) && !(want == nil && err == nil) {
			t.Errorf("sign in with %q: %v, want %v", password, err, want)
		}
	}
}

func lockOut(t *testing.T, app application.Application, email string) {
	t.Helper()
	for i := range rule.MaxFailures {
		if err := signIn(t, app, email, fmt.Sprint("wrong password ", i)); !errors.Is(err, domain.ErrBadCredentials) {
			t.Fatalf("failure %d: %v, want bad credentials", i+1, err)
		}
	}
}

func wantLockedOut(t *testing.T, err error, atMost time.Duration) {
	t.Helper()
	var lo *application.LockedOutError
	if !errors.As(err, &lo) || lo.RetryAfter < time.Second || lo.RetryAfter > atMost || lo.RetryAfter%time.Second != 0 {
		t.Fatalf("error = %v, want locked out for whole seconds, at most %s", err, atMost)
	}
}

func aChangeIsAWriteAndTheOldPasswordStopsWorking(t *testing.T, s Store) {
	clock := newTestClock()
	app := useCases(t, s, clock)
	c := signUp(t, app, "ada@example.com")
	got, err := app.ChangePassword.Handle(ctx(t), application.ChangePasswordCommand{ID: c.ID(), CurrentPassword: oldPassword, NewPassword: newPassword})
	if err != nil {
		t.Fatal(err)
	}
	stored := mustGet(t, s, c.ID())
	if got.Version() != 1 || stored.Version != 1 || !stored.UpdatedAt.After(c.UpdatedAt()) || !got.UpdatedAt().Equal(stored.UpdatedAt) {
		t.Fatalf("stored version %d updatedAt %s, answered %d; want 1, later than %s", stored.Version, stored.UpdatedAt, got.Version(), c.UpdatedAt())
	}
	if events := pending(t, s, c.ID()); len(events) != 2 || events[1].Type != application.EventPasswordChanged || events[1].Version != 1 {
		t.Fatalf("pending %v, want CREATE then PASSWORD_CHANGE at version 1", types(events))
	}
	wantSignIn(t, app, "ada@example.com", map[string]error{oldPassword: domain.ErrBadCredentials, newPassword: nil})
}

func aWrongCurrentPasswordOrAnInactiveCustomerChangesNothing(t *testing.T, s Store) {
	app := useCases(t, s, newTestClock())
	ada := signUp(t, app, "ada@example.com")
	grace := signUp(t, app, "grace@example.com")
	if _, err := app.UpdateCustomer.Handle(ctx(t), application.UpdateCustomerCommand{ID: grace.ID(), Changes: domain.CustomerChanges{Status: new("INACTIVE")}}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		cmd     application.ChangePasswordCommand
		wantErr error
	}{
		{"wrong current password", application.ChangePasswordCommand{ID: ada.ID(), CurrentPassword: "wrong horse", NewPassword: newPassword}, domain.ErrBadCredentials},
		{"inactive customer, right password", application.ChangePasswordCommand{ID: grace.ID(), CurrentPassword: oldPassword, NewPassword: newPassword}, domain.ErrBadCredentials},
		{"unknown id", application.ChangePasswordCommand{ID: "HkhhuXESl", CurrentPassword: oldPassword, NewPassword: newPassword}, domain.ErrCustomerNotFound},
		{"new password too short", application.ChangePasswordCommand{ID: ada.ID(), CurrentPassword: oldPassword, NewPassword: "short"}, domain.ErrValidation},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := mustGetOr(t, s, tt.cmd.ID)
			_, err := app.ChangePassword.Handle(ctx(t), tt.cmd)
			wantErr(t, err, tt.wantErr)
			if after := mustGetOr(t, s, tt.cmd.ID); !equalSnapshots(after, before) {
				t.Fatalf("stored %+v, want nothing written", after)
			}
		})
	}
	wantSignIn(t, app, "ada@example.com", map[string]error{oldPassword: nil})
}

// mustGetOr is mustGet, or nothing for an unknown id.
func mustGetOr(t *testing.T, s Store, id string) domain.CustomerSnapshot {
	t.Helper()
	c, err := s.Get(ctx(t), id)
	if errors.Is(err, domain.ErrCustomerNotFound) {
		return domain.CustomerSnapshot{}
	}
	if err != nil {
		t.Fatal(err)
	}
	return c.Snapshot()
}

func aKeyedChangeSentAgainAnswersTheFirst(t *testing.T, s Store) {
	clock := newTestClock()
	app := useCases(t, s, clock)
	c := signUp(t, app, "ada@example.com")
	cmd := application.ChangePasswordCommand{ID: c.ID(), CurrentPassword: oldPassword, NewPassword: newPassword, Key: key("change ada's password", time.Time{})}
	first, err := app.ChangePassword.Handle(ctx(t), cmd)
	if err != nil {
		t.Fatal(err)
	}
	// The current password of the copy is no longer the customer's: the
	// copy is answered before any password is checked.
	again, err := app.ChangePassword.Handle(ctx(t), cmd)
	if err != nil || !equalSnapshots(again.Snapshot(), withoutHash(first.Snapshot())) {
		t.Fatalf("copy: %+v, %v; want the first answer %+v", again, err, first)
	}
	if stored := mustGet(t, s, c.ID()); stored.Version != 1 {
		t.Fatalf("stored version %d, want 1: one write", stored.Version)
	}
	other := cmd
	other.Key.Fingerprint = "another password"
	_, err = app.ChangePassword.Handle(ctx(t), other)
	wantErr(t, err, application.ErrIdempotencyKeyReused)
}

func aTokenResetsOnceAndLiftsTheLockout(t *testing.T, s Store) {
	clock := newTestClock()
	app := useCases(t, s, clock)
	c := signUp(t, app, "ada@example.com")
	lockOut(t, app, "ada@example.com")
	wantLockedOut(t, signIn(t, app, "ada@example.com", oldPassword), rule.Window)
	g := newToken(t, app, "ada@example.com")
	if !g.ExpiresAt.After(clock.Now()) || g.ExpiresAt.After(clock.Now().Add(application.DefaultPasswordTokenTTL)) {
		t.Fatalf("token expires at %s, want within %s from now", g.ExpiresAt, application.DefaultPasswordTokenTTL)
	}
	got, err := reset(t, app, g.Token, newPassword)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID() != c.ID() || got.Version() != 1 || mustGet(t, s, c.ID()).Version != 1 {
		t.Fatalf("reset answered %s at version %d, want %s at 1", got.ID(), got.Version(), c.ID())
	}
	if events := pending(t, s, c.ID()); len(events) != 2 || events[1].Type != application.EventPasswordChanged {
		t.Fatalf("pending %v, want CREATE then PASSWORD_CHANGE", types(events))
	}
	wantSignIn(t, app, "ada@example.com", map[string]error{oldPassword: domain.ErrBadCredentials, newPassword: nil})
	_, err = reset(t, app, g.Token, "a third s3cret")
	wantErr(t, err, domain.ErrPasswordTokenInvalid)
	wantSignIn(t, app, "ada@example.com", map[string]error{newPassword: nil})
}

func aTokenDiesExpiredSupersededOrByAChange(t *testing.T, s Store) {
	tests := []struct {
		name   string
		spoil  func(t *testing.T, app application.Application, clock *testClock, c *domain.Customer)
		newest bool // the token made by spoil, if any, works
	}{
		{"unknown", func(*testing.T, application.Application, *testClock, *domain.Customer) {}, false},
		{"expired", func(_ *testing.T, _ application.Application, clock *testClock, _ *domain.Customer) {
			clock.advance(application.DefaultPasswordTokenTTL)
		}, false},
		{"superseded by a newer token", func(t *testing.T, app application.Application, _ *testClock, c *domain.Customer) {
			newToken(t, app, c.Email())
		}, true},
		{"the password changed", func(t *testing.T, app application.Application, _ *testClock, c *domain.Customer) {
			if _, err := app.ChangePassword.Handle(ctx(t), application.ChangePasswordCommand{ID: c.ID(), CurrentPassword: oldPassword, NewPassword: newPassword}); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"the customer is no longer active", func(t *testing.T, app application.Application, _ *testClock, c *domain.Customer) {
			if _, err := app.UpdateCustomer.Handle(ctx(t), application.UpdateCustomerCommand{ID: c.ID(), Changes: domain.CustomerChanges{Status: new("INACTIVE")}}); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"the customer was removed", func(t *testing.T, app application.Application, _ *testClock, c *domain.Customer) {
			if err := app.RemoveCustomer.Handle(ctx(t), application.RemoveCustomerCommand{ID: c.ID()}); err != nil {
				t.Fatal(err)
			}
		}, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newTestClock()
			app := useCases(t, s, clock)
			c := signUp(t, app, fmt.Sprintf("ada%d@example.com", i))
			token := "an unknown token of some length"
			if tt.name != "unknown" {
				token = newToken(t, app, c.Email()).Token
			}
			tt.spoil(t, app, clock, c)
			before := mustGetOr(t, s, c.ID())
			_, err := reset(t, app, token, "a third s3cret")
			wantErr(t, err, domain.ErrPasswordTokenInvalid)
			if after := mustGetOr(t, s, c.ID()); !equalSnapshots(after, before) {
				t.Fatalf("stored %+v, want nothing written", after)
			}
			if tt.newest {
				if _, err := reset(t, app, newToken(t, app, c.Email()).Token, "a third s3cret"); err != nil {
					t.Fatalf("the newest token: %v", err)
				}
			}
		})
	}
}

func aKeyedResetSentAgainAnswersTheFirst(t *testing.T, s Store) {
	app := useCases(t, s, newTestClock())
	signUp(t, app, "ada@example.com")
	cmd := application.ResetPasswordCommand{Token: newToken(t, app, "ada@example.com").Token, NewPassword: newPassword, Key: key("reset", time.Time{})}
	first, err := app.ResetPassword.Handle(ctx(t), cmd)
	if err != nil {
		t.Fatal(err)
	}
	again, err := app.ResetPassword.Handle(ctx(t), cmd)
	if err != nil || !equalSnapshots(again.Snapshot(), withoutHash(first.Snapshot())) {
		t.Fatalf("copy: %+v, %v; want the first answer %+v, though the token is used", again, err, first)
	}
	if stored := mustGet(t, s, first.ID()); stored.Version != 1 {
		t.Fatalf("stored version %d, want 1: one write", stored.Version)
	}
}

func aTokenForAnUnknownOrInactiveEmailIsNotFound(t *testing.T, s Store) {
	app := useCases(t, s, newTestClock())
	grace := signUp(t, app, "grace@example.com")
	if _, err := app.UpdateCustomer.Handle(ctx(t), application.UpdateCustomerCommand{ID: grace.ID(), Changes: domain.CustomerChanges{Status: new("INACTIVE")}}); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"nobody@example.com", "grace@example.com", "not an email"} {
		_, err := app.CreatePasswordToken.Handle(ctx(t), application.CreatePasswordTokenCommand{Email: email})
		var nf *domain.EmailNotFoundError
		if !errors.As(err, &nf) || nf.Email != email || !errors.Is(err, domain.ErrCustomerNotFound) {
			t.Errorf("token for %q: %#v, want customer not found with the email", email, err)
		}
	}
}

func aTokenUsedTwiceConcurrentlyResetsOnce(t *testing.T, s Store) {
	app := useCases(t, s, newTestClock())
	c := signUp(t, app, "ada@example.com")
	for round := range 3 {
		token := newToken(t, app, "ada@example.com").Token
		const racers = 8
		errs := make(chan error, racers)
		var wg sync.WaitGroup
		for i := range racers {
			wg.Go(func() {
				_, err := reset(t, app, token, fmt.Sprintf("password %d of round %d", i, round))
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		won := 0
		for err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, domain.ErrPasswordTokenInvalid):
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d resets won with one token, want exactly 1", round, won)
		}
		if v := mustGet(t, s, c.ID()).Version; v != int64(round+1) {
			t.Fatalf("round %d: version %d, want %d: one write per token", round, v, round+1)
		}
	}
}

func lockoutAnswersAlikeAndEnds(t *testing.T, s Store) {
	clock := newTestClock()
	app := useCases(t, s, clock)
	c := signUp(t, app, "ada@example.com")
	lockOut(t, app, "ada@example.com")
	lockOut(t, app, "nobody@example.com")
	for _, email := range []string{"ada@example.com", "nobody@example.com", " ADA@example.com"} {
		wantLockedOut(t, signIn(t, app, email, oldPassword), rule.Window)
	}
	_, err := app.ChangePassword.Handle(ctx(t), application.ChangePasswordCommand{ID: c.ID(), CurrentPassword: oldPassword, NewPassword: newPassword})
	wantLockedOut(t, err, rule.Window)
	clock.advance(rule.Window)
	wantSignIn(t, app, "ada@example.com", map[string]error{oldPassword: nil})
	wantSignIn(t, app, "nobody@example.com", map[string]error{oldPassword: domain.ErrBadCredentials})

	// A success resets the count: failures either side of it do not add up.
	for range rule.MaxFailures - 1 {
		wantSignIn(t, app, "ada@example.com", map[string]error{"wrong": domain.ErrBadCredentials})
	}
	wantSignIn(t, app, "ada@example.com", map[string]error{oldPassword: nil})
	for range rule.MaxFailures - 1 {
		wantSignIn(t, app, "ada@example.com", map[string]error{"wrong": domain.ErrBadCredentials})
	}
	wantSignIn(t, app, "ada@example.com", map[string]error{oldPassword: nil})
}

func lockoutIsSharedByInstances(t *testing.T, a, b Store) {
	clock := newTestClock()
	one, two := useCases(t, a, clock), useCases(t, b, clock)
	signUp(t, one, "ada@example.com")
	for i := range rule.MaxFailures {
		app := []application.Application{one, two}[i%2]
		wantSignIn(t, app, "ada@example.com", map[string]error{"wrong": domain.ErrBadCredentials})
	}
	for _, app := range []application.Application{one, two} {
		wantLockedOut(t, signIn(t, app, "ada@example.com", oldPassword), rule.Window)
	}
	// The token of one instance lifts the lock on both.
	if _, err := reset(t, two, newToken(t, one, "ada@example.com").Token, newPassword); err != nil {
		t.Fatal(err)
	}
	wantSignIn(t, one, "ada@example.com", map[string]error{newPassword: nil})
}

// Racing attempts, half on each instance, are counted one at a time:
// exactly MaxFailures of them get a password comparison (bad
// credentials), every other one is locked out without one.
func attemptsRacingAreComparedNoMoreThanTheRuleAllows(t *testing.T, a, b Store) {
	clock := newTestClock()
	apps := []application.Application{useCases(t, a, clock), useCases(t, b, clock)}
	signUp(t, apps[0], "ada@example.com")
	const racers = 12
	errs := make(chan error, racers)
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() { errs <- signIn(t, apps[i%2], "ada@example.com", "wrong") })
	}
	wg.Wait()
	close(errs)
	compared := 0
	for err := range errs {
		switch {
		case errors.Is(err, domain.ErrBadCredentials):
			compared++
		case !errors.Is(err, application.ErrLockedOut):
			t.Fatal(err)
		}
	}
	if compared != rule.MaxFailures {
		t.Fatalf("%d of %d racing attempts compared, want exactly %d", compared, racers, rule.MaxFailures)
	}
}

func aRehashChangesNothingClientsSee(t *testing.T, s Store) {
	app := useCases(t, s, newTestClock())
	c := signUp(t, app, "ada@example.com")
	// A stronger configuration: the next success renews the hash.
	stronger, err := application.New(s, newTestClock(), application.Settings{BcryptCost: bcrypt.MinCost + 1, Lockout: rule})
	if err != nil {
		t.Fatal(err)
	}
	wantSignIn(t, stronger, "ada@example.com", map[string]error{oldPassword: nil})
	stored := mustGet(t, s, c.ID())
	if !stored.PasswordHash.HasCost(bcrypt.MinCost+1) || !stored.PasswordHash.Matches(oldPassword) {
		t.Fatalf("stored hash %q, want one of cost %d of the same password", stored.PasswordHash, bcrypt.MinCost+1)
	}
	before := c.Snapshot()
	stored.PasswordHash, before.PasswordHash = "", ""
	if !equalSnapshots(stored, before) {
		t.Fatalf("stored %+v, want the customer as it was (version, updatedAt)", stored)
	}
	if events := pending(t, s, c.ID()); len(events) != 1 {
		t.Fatalf("pending %v, want CREATE alone", types(events))
	}
	// A hash that changed since it was read is never overwritten.
	done, err := s.Rehash(ctx(t), c.ID(), c.PasswordHash(), "$2a$04$not.the.hash.it.has.now.............................")
	if err != nil || done {
		t.Fatalf("Rehash from a stale hash = %v, %v; want false, nothing written", done, err)
	}
}

func aRehashRacingAChangeKeepsTheChange(t *testing.T, s Store) {
	for round := range 8 {
		c := mustCreate(t, s, fmt.Sprintf("race%d@example.com", round))
		old := c.PasswordHash()
		renewed, err := domain.RehashPassword(oldPassword, bcrypt.MinCost+1)
		changed, err2 := domain.HashPassword(newPassword, bcrypt.MinCost)
		if err != nil || err2 != nil {
			t.Fatal(err, err2)
		}
		var wg sync.WaitGroup
		wg.Go(func() {
			if _, err := s.Rehash(ctx(t), c.ID(), old, renewed); err != nil {
				t.Errorf("rehash: %v", err)
			}
		})
		wg.Go(func() {
			_, err := s.SetPassword(ctx(t), c.ID(), application.IdempotencyKey{}, func(c *domain.Customer) (application.NewEvent, error) {
				c.SetPassword(changed, now())
				return event(application.EventPasswordChanged), nil
			})
			if err != nil {
				t.Errorf("change: %v", err)
			}
		})
		wg.Wait()
		if stored := mustGet(t, s, c.ID()); stored.PasswordHash != changed || stored.Version != 1 {
			t.Fatalf("round %d: stored hash %q at version %d, want the change's %q at 1", round, stored.PasswordHash, stored.Version, changed)
		}
	}
}

// secretsRecorder collects every value that must never hold a secret.
type secretsRecorder struct{ seen []string }

func (r *secretsRecorder) add(format string, v ...any) {
	r.seen = append(r.seen, fmt.Sprintf(format, v...))
}

func noSecretInWhatIsReturnedOrRecorded(t *testing.T, s Store) {
	clock := newTestClock()
	app := useCases(t, s, clock)
	var rec secretsRecorder
	c := signUp(t, app, "ada@example.com")
	hashes := []string{string(c.PasswordHash())}
	answer := func(v any, err error) {
		rec.add("%v %+v %#v", v, v, v)
		if err != nil {
			rec.add("%v %+v %#v %s", err, err, err, err.Error())
		}
	}
	changeCmd := application.ChangePasswordCommand{ID: c.ID(), CurrentPassword: "wrong s3cret", NewPassword: newPassword}
	rec.add("%v %+v %#v", changeCmd, changeCmd, changeCmd)
	answer(app.ChangePassword.Handle(ctx(t), changeCmd))
	changeCmd.CurrentPassword = oldPassword
	changed, err := app.ChangePassword.Handle(ctx(t), changeCmd)
	if err != nil {
		t.Fatal(err)
	}
	hashes = append(hashes, string(changed.PasswordHash()))
	g := newToken(t, app, "ada@example.com")
	rec.add("%v %+v %#v %s", g, g, g, g)
	resetCmd := application.ResetPasswordCommand{Token: g.Token, NewPassword: "a third s3cret"}
	rec.add("%v %+v %#v", resetCmd, resetCmd, resetCmd)
	reset1, err := app.ResetPassword.Handle(ctx(t), resetCmd)
	if err != nil {
		t.Fatal(err)
	}
	hashes = append(hashes, string(reset1.PasswordHash()))
	rec.add("%s %s", rendered(t, changed), rendered(t, reset1))
	answer(app.ResetPassword.Handle(ctx(t), resetCmd))
	answer(nil, signIn(t, app, "ada@example.com", "a third s3cret"))
	lockOut(t, app, "ada@example.com")
	answer(nil, signIn(t, app, "ada@example.com", "a third s3cret"))
	answer(app.CreatePasswordToken.Handle(ctx(t), application.CreatePasswordTokenCommand{Email: "nobody@example.com"}))
	for _, e := range pending(t, s, c.ID()) {
		args, _ := json.Marshal(e.Args)
		rec.add("%s %s %s", e.Type, args, rendered(t, e.Customer))
	}
	attempts, err := s.LoginAttempts(ctx(t), c.ID())
	rec.add("%+v %v", attempts, err)
	secrets := append([]string{oldPassword, newPassword, "wrong s3cret", "a third s3cret", g.Token, domain.HashPasswordToken(g.Token)}, hashes...)
	for _, seen := range rec.seen {
		for _, secret := range secrets {
			if strings.Contains(seen, secret) {
				t.Errorf("%q holds the secret %q", seen, secret)
			}
		}
	}
	if len(rec.seen) < 10 {
		t.Fatalf("only %d values searched", len(rec.seen))
	}
}
