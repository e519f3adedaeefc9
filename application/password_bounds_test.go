package application_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// observed is what a PasswordObserver heard.
type observed struct {
	mu                        sync.Mutex
	inUse, maxInUse, size     int
	waited, refused, unknowns int
	waitedSignal              chan struct{}
}

func newObserved() *observed { return &observed{waitedSignal: make(chan struct{}, 100)} }

func (o *observed) BcryptSlotsInUse(inUse, size int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.inUse, o.size, o.maxInUse = inUse, size, max(o.maxInUse, inUse)
}

func (o *observed) BcryptWaited() {
	o.mu.Lock()
	o.waited++
	o.mu.Unlock()
	o.waitedSignal <- struct{}{}
}

func (o *observed) BcryptRefused() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.refused++
}

func (o *observed) UnknownEmailsTracked(n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.unknowns = n
}

func (o *observed) snapshot() (inUse, maxInUse, size, waited, refused, unknowns int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.inUse, o.maxInUse, o.size, o.waited, o.refused, o.unknowns
}

// holdingChecks is CheckCredentials whose password comparisons wait, in
// their bcrypt slot, until release is closed; entered hears each one.
func holdingChecks(uc application.CheckCredentials) (held application.CheckCredentials, entered chan struct{}, release chan struct{}) {
	entered, release = make(chan struct{}, 100), make(chan struct{})
	held = application.WatchPasswordChecks(uc, func(*domain.Customer, string, error) {
		entered <- struct{}{}
		<-release
	})
	return held, entered, release
}

func boundedApp(t *testing.T, s application.Settings) (application.Application, *observed) {
	t.Helper()
	repo := seedForCredentials(t)
	o := newObserved()
	s.BcryptCost, s.Observer = credentialsCost, o
	app, err := application.New(repo, application.SystemClock{}, s)
	if err != nil {
		t.Fatal(err)
	}
	return app, o
}

// A flood of password calls runs no more hash computations at once than
// there are slots: the others queue, and all are answered once slots
// free up.
func TestBcryptSlots_AFloodWaitsItsTurnAndIsAnswered(t *testing.T) {
	const slots, flood = 2, 8
	app, o := boundedApp(t, application.Settings{BcryptSlots: slots, Lockout: domain.LockoutRule{MaxFailures: 1000, Window: time.Minute}})
	uc, entered, release := holdingChecks(app.CheckCredentials)
	errs := make(chan error, flood)
	for i := range flood {
		go func() {
			errs <- uc.Handle(context.Background(), application.Credentials{Email: fmt.Sprintf("nobody%d@example.com", i), Password: "s3cret-pass"})
		}()
	}
	for range slots {
		<-entered
	}
	for range flood - slots {
		<-o.waitedSignal
	}
	if inUse, _, size, waited, refused, _ := o.snapshot(); inUse != slots || size != slots || waited != flood-slots || refused != 0 {
		t.Fatalf("in use %d of %d, %d waited, %d refused; want %d of %d, %d waited, none refused", inUse, size, waited, refused, slots, slots, flood-slots)
	}
	close(release)
	for range flood {
		if err := <-errs; !errors.Is(err, domain.ErrBadCredentials) {
			t.Errorf("a call of the flood: %v, want bad credentials", err)
		}
	}
	if inUse, maxInUse, _, _, _, _ := o.snapshot(); inUse != 0 || maxInUse != slots {
		t.Fatalf("%d slots in use after the flood, at most %d during it; want 0 and %d", inUse, maxInUse, slots)
	}
}

// A call that cannot get a slot before its deadline does no work and is
// busy, with a Retry-After; the slots are the same for every password
// use case, creating a customer's included.
func TestBcryptSlots_ACallBeyondItsDeadlineIsBusy(t *testing.T) {
	app, o := boundedApp(t, application.Settings{BcryptSlots: 1})
	uc, entered, release := holdingChecks(app.CheckCredentials)
	done := make(chan error, 1)
	go func() {
		done <- uc.Handle(context.Background(), application.Credentials{Email: "ada@example.com", Password: "s3cret-pass"})
	}()
	<-entered
	calls := map[string]func(ctx context.Context) error{
		"checkCredentials": func(ctx context.Context) error {
			return app.CheckCredentials.Handle(ctx, application.Credentials{Email: "nobody@example.com", Password: "s3cret-pass"})
		},
		"create": func(ctx context.Context) error {
			_, err := app.CreateCustomer.Handle(ctx, application.CreateCustomerCommand{Customer: domain.NewCustomerInput{
				Email: "new@example.com", Password: "s3cret-pass", FirstName: "New", LastName: "Comer"}})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			// Long enough for the reads before the wait on a loaded
			// machine: the slot stays held, so the call waits it out.
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			err := call(ctx)
			var busy *application.BusyError
			if !errors.As(err, &busy) || !errors.Is(err, application.ErrBusy) || busy.RetryAfter < time.Second {
				t.Fatalf("error = %v, want busy with a Retry-After of a second or more", err)
			}
		})
	}
	if _, _, _, waited, refused, _ := o.snapshot(); waited != 2 || refused != 2 {
		t.Fatalf("%d waited, %d refused; want both calls to have waited and been refused", waited, refused)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("the call that held the slot: %v", err)
	}
}

// The lockout table of unknown emails holds at most its bound; when full,
// the email tried least recently goes first.
func TestUnknownEmails_TheTableIsBoundedAndForgetsTheLeastRecentlyTried(t *testing.T) {
	const bound = 4
	rule := domain.LockoutRule{MaxFailures: 2, Window: time.Hour}
	app, o := boundedApp(t, application.Settings{UnknownEmails: bound, Lockout: rule})
	ctx := context.Background()
	try := func(email string) error {
		return app.CheckCredentials.Handle(ctx, application.Credentials{Email: email, Password: "wrong-pass"})
	}
	for range rule.MaxFailures {
		if err := try("locked@example.com"); !errors.Is(err, domain.ErrBadCredentials) {
			t.Fatal(err)
		}
	}
	for i := range 50 {
		if err := try(fmt.Sprintf("nobody%d@example.com", i)); !errors.Is(err, domain.ErrBadCredentials) {
			t.Fatal(err)
		}
		// Tried again while the others come and go, it stays.
		if i%(bound-2) == 0 {
			if err := try("locked@example.com"); !errors.Is(err, application.ErrLockedOut) {
				t.Fatalf("after %d other emails: %v, want still locked out", i+1, err)
			}
		}
		if held := application.UnknownEmailsHeld(app.CheckCredentials); held > bound {
			t.Fatalf("the table holds %d emails, over its bound %d", held, bound)
		}
	}
	if _, _, _, _, _, tracked := o.snapshot(); tracked != bound {
		t.Fatalf("the observer heard %d emails held, want %d", tracked, bound)
	}
	// Left alone while bound other emails are tried, it goes.
	for i := range bound {
		_ = try(fmt.Sprintf("other%d@example.com", i))
	}
	if err := try("locked@example.com"); !errors.Is(err, domain.ErrBadCredentials) {
		t.Fatalf("after %d other emails: %v, want it forgotten (bad credentials)", bound, err)
	}
}

// A locked-out email spends no bcrypt work, known or not, and answers
// alike: the same error, the same Retry-After.
func TestLockout_AnswersKnownAndUnknownEmailsAlikeWithoutBcrypt(t *testing.T) {
	rule := domain.LockoutRule{MaxFailures: 3, Window: 10 * time.Minute}
	repo := seedForCredentials(t)
	// A clock that stands still: every lockout starts at the same time.
	clock := stillClock{time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
	app, err := application.New(repo, clock, application.Settings{BcryptCost: credentialsCost, Lockout: rule})
	if err != nil {
		t.Fatal(err)
	}
	checks := 0
	uc := application.WatchPasswordChecks(app.CheckCredentials, func(*domain.Customer, string, error) { checks++ })
	emails := []string{"ada@example.com", "nobody@example.com", "grace@example.com", "not an email"}
	for _, email := range emails {
		for range rule.MaxFailures {
			if err := uc.Handle(context.Background(), application.Credentials{Email: email, Password: "wrong-pass"}); !errors.Is(err, domain.ErrBadCredentials) {
				t.Fatalf("%s: %v", email, err)
			}
		}
	}
	if checks != len(emails)*rule.MaxFailures {
		t.Fatalf("%d comparisons, want one per failure", checks)
	}
	var answers []string
	for _, email := range emails {
		err := uc.Handle(context.Background(), application.Credentials{Email: email, Password: "s3cret-pass"})
		var lo *application.LockedOutError
		if !errors.As(err, &lo) {
			t.Fatalf("%s: %v, want locked out", email, err)
		}
		answers = append(answers, fmt.Sprintf("%T %v %s", err, err, lo.RetryAfter))
	}
	if checks != len(emails)*rule.MaxFailures {
		t.Fatalf("locked-out calls made %d comparisons, want none", checks-len(emails)*rule.MaxFailures)
	}
	for i := range answers {
		if answers[i] != answers[0] {
			t.Fatalf("locked out %s answered %q, %s answered %q", emails[i], answers[i], emails[0], answers[0])
		}
	}
}

type stillClock struct{ t time.Time }

func (c stillClock) Now() time.Time { return c.t }

func TestPasswordCommands_PrintWithoutTheirSecrets(t *testing.T) {
	values := []any{
		application.ChangePasswordCommand{ID: "HkhhuXESl", CurrentPassword: "old-s3cret", NewPassword: "new-s3cret"},
		application.ResetPasswordCommand{Token: "the-token-itself", NewPassword: "new-s3cret"},
		application.PasswordTokenGrant{Token: "the-token-itself", ExpiresAt: time.Now()},
	}
	for _, v := range values {
		for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
			got := fmt.Sprintf(format, v)
			for _, secret := range []string{"old-s3cret", "new-s3cret", "the-token-itself"} {
				if strings.Contains(got, secret) {
					t.Errorf("%T printed with %s holds %q: %s", v, format, secret, got)
				}
			}
		}
	}
}

// The rule of create holds for the new password of a change and a reset,
// each bad argument named, before any store or bcrypt work.
func TestPasswordUseCases_ValidateEveryArgumentFirst(t *testing.T) {
	app, _ := boundedApp(t, application.Settings{})
	ctx := context.Background()
	_, err := app.ChangePassword.Handle(ctx, application.ChangePasswordCommand{ID: " x", NewPassword: "short"})
	wantValidation(t, err, "id: must not have surrounding spaces", "currentPassword: must not be empty", "newPassword: must be 8 to 72 bytes long")
	_, err = app.ResetPassword.Handle(ctx, application.ResetPasswordCommand{NewPassword: string(make([]byte, 73))})
	wantValidation(t, err, "token: must not be empty", "newPassword: must be 8 to 72 bytes long")
	_, err = app.CreatePasswordToken.Handle(ctx, application.CreatePasswordTokenCommand{})
	wantValidation(t, err, "email: must not be empty")
}
