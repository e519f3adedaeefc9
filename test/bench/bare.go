package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/bootstrap"
	"github.com/microbase-io/customer-service/domain"
)

// The bare target is what the service's customer.update on the embedded
// store is held to: a plain net/http server doing what any Go program
// serving that one call would, and no more. It checks the HS256 token
// with golang-jwt, decodes the body with encoding/json, runs the
// service's own use case (application.UpdateCustomer) over the service's
// own store (sqlite.Store, opened from the same settings as
// bootstrap opens it), and encodes the customer with encoding/json.
//
// It reuses the store rather than copying its SQL: so the transaction is
// the service's to the statement, with the same pragmas, prepared
// statements and checkpointer, whatever the store becomes, and what the
// service costs more is what it does around the store (routing,
// middleware, access log, metrics, its own decoding and answers). It
// reads the service's settings (bootstrap.LoadConfig), so that the
// benchmark starts both the same way, and logs the one line the
// benchmark waits for, as the service logs it.
//
// The benchmark runs it as its own process: bench -serve-bare.

// bareTarget serves customer.update.
type bareTarget struct {
	update  application.UpdateCustomer
	parser  *jwt.Parser
	secret  []byte
	scope   string
	timeout time.Duration
	maxBody int64
}

// bareClaims are the claims the service reads, as a program using
// golang-jwt would declare them.
type bareClaims struct {
	jwt.RegisteredClaims
	Scope string `json:"scope"`
}

// bareUpdate is the body of customer.update.
type bareUpdate struct {
	ID        string    `json:"id"`
	Version   *int64    `json:"version"`
	Email     *string   `json:"email"`
	FirstName *string   `json:"firstName"`
	LastName  *string   `json:"lastName"`
	Status    *string   `json:"status"`
	Tags      *[]string `json:"tags"`
}

type bareAnswer struct {
	OK       bool               `json:"ok"`
	Customer *jsonview.Customer `json:"customer,omitempty"`
	Error    string             `json:"error,omitempty"`
}

func newBareTarget(update application.UpdateCustomer, cfg bootstrap.Config) *bareTarget {
	return &bareTarget{
		update: update,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(30*time.Second),
		),
		secret:  cfg.TokenSecrets()[0],
		scope:   cfg.TokenScope,
		timeout: cfg.RequestTimeout,
		maxBody: cfg.MaxBodyBytes,
	}
}

func (b *bareTarget) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+httpapi.BasePath+"customer.update", b.serveUpdate)
	mux.HandleFunc("GET "+httpapi.BasePath+"micro.ping", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true,"answer":"pong"}`))
	})
	return mux
}

func (b *bareTarget) serveUpdate(w http.ResponseWriter, r *http.Request) {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	var claims bareClaims
	if !ok {
		b.answer(w, http.StatusUnauthorized, bareAnswer{Error: "invalid_token"})
		return
	}
	if _, err := b.parser.ParseWithClaims(raw, &claims, func(*jwt.Token) (any, error) { return b.secret, nil }); err != nil ||
		!slices.Contains(strings.Split(claims.Scope, " "), b.scope) {
		b.answer(w, http.StatusUnauthorized, bareAnswer{Error: "invalid_token"})
		return
	}
	var in bareUpdate
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, b.maxBody)).Decode(&in); err != nil {
		b.answer(w, http.StatusBadRequest, bareAnswer{Error: "validation_error"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), b.timeout)
	defer cancel()
	c, err := b.update.Handle(ctx, application.UpdateCustomerCommand{ID: in.ID, Version: in.Version,
		Changes: domain.CustomerChanges{Email: in.Email, FirstName: in.FirstName, LastName: in.LastName, Status: in.Status, Tags: in.Tags}})
	var (
		notFound   *domain.CustomerNotFoundError
		invalid    *domain.ValidationError
		duplicate  *domain.DuplicateEmailError
		conflicted *domain.VersionConflictError
	)
	switch {
	case err == nil:
		view := jsonview.FromCustomer(c)
		b.answer(w, http.StatusOK, bareAnswer{OK: true, Customer: &view})
	case errors.As(err, &notFound):
		b.answer(w, http.StatusNotFound, bareAnswer{Error: "customer_not_found"})
	case errors.As(err, &invalid):
		b.answer(w, http.StatusBadRequest, bareAnswer{Error: "validation_error"})
	case errors.As(err, &duplicate), errors.As(err, &conflicted):
		b.answer(w, http.StatusConflict, bareAnswer{Error: "conflict"})
	case errors.Is(err, application.ErrUnavailable):
		b.answer(w, http.StatusServiceUnavailable, bareAnswer{Error: "database_unavailable"})
	default:
		b.answer(w, http.StatusInternalServerError, bareAnswer{Error: "internal_error"})
	}
}

func (*bareTarget) answer(w http.ResponseWriter, status int, a bareAnswer) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(a)
}

// serveBare runs the bare target until ctx ends, on the store and address
// of the CUSTOMER_* settings in environ.
func serveBare(ctx context.Context, environ []string) error {
	cfg, err := bootstrap.LoadConfig(environ)
	if err != nil {
		return err
	}
	if !cfg.Embedded() {
		return errors.New("the bare target serves the embedded store only")
	}
	store, err := sqlite.Open(ctx, sqlite.Options{DataDir: cfg.DataDir, BusyTimeout: cfg.RequestTimeout, Outbox: cfg.OutboxLimits(), Idempotency: cfg.IdempotencyLimits()})
	if err != nil {
		return err
	}
	defer store.Close()
	l, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: newBareTarget(application.NewUpdateCustomer(store, application.SystemClock{}), cfg).handler(),
		ReadHeaderTimeout: 10 * time.Second}
	// The line servicetest.Launch waits for, as the service writes it.
	if err := json.NewEncoder(os.Stdout).Encode(map[string]string{"level": "info", "logger": "http", "msg": "listening",
		"addr": l.Addr().String()}); err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	select {
	case err := <-served:
		return fmt.Errorf("bare target: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
