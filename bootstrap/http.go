package bootstrap

import (
	"context"
	"net/http"
	"time"

	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/adapters/metrics"
	"github.com/microbase-io/customer-service/adapters/token"
	"github.com/microbase-io/customer-service/application"
)

// HTTPModule provides the public API server.
var HTTPModule = fx.Module("http",
	fx.Provide(
		newVerifier,
		newUseCases,
		newRouter,
		newServer,
	),
	fx.Invoke(func(*httpapi.Server) {}),
)

func newVerifier(cfg Config, log *zap.Logger) (*token.Verifier, error) {
	secrets, development, err := TokenSecrets(cfg)
	if err != nil {
		return nil, err
	}
	if development {
		// Only ever with the embedded store: a token for a secret that
		// exists on this machine alone, so a newcomer can call the API.
		// It lives as long as the verifier allows, so it is pasted once
		// per working day at most.
		issuer, err := token.NewIssuer(secrets[0], "customer-service")
		if err != nil {
			return nil, err
		}
		now := time.Now()
		tok, err := issuer.Issue("developer", []string{cfg.TokenScope}, cfg.TokenMaxTTL, now)
		if err != nil {
			return nil, err
		}
		log.Warn("no CUSTOMER_TOKEN_SECRET: using the development secret in the data directory; a development token follows",
			zap.String("authorization", "Bearer "+tok), zap.Time("expires", now.Add(cfg.TokenMaxTTL)))
	}
	return token.NewVerifier(secrets, cfg.TokenScope, cfg.TokenMaxTTL)
}

// useCaseParams gathers every use case the HTTP adapter calls.
type useCaseParams struct {
	fx.In
	Create           application.CreateCustomer
	Get              application.GetCustomer
	Update           application.UpdateCustomer
	Remove           application.RemoveCustomer
	List             application.ListCustomers
	CheckCredentials application.CheckCredentials
	AddAddresses     application.AddAddresses
	GetAddress       application.GetAddress
	UpdateAddress    application.UpdateAddress
	RemoveAddress    application.RemoveAddress
}

func newUseCases(p useCaseParams) httpapi.UseCases {
	return httpapi.UseCases{
		CreateCustomer:   p.Create,
		GetCustomer:      p.Get,
		UpdateCustomer:   p.Update,
		RemoveCustomer:   p.Remove,
		ListCustomers:    p.List,
		CheckCredentials: p.CheckCredentials,
		AddAddresses:     p.AddAddresses,
		GetAddress:       p.GetAddress,
		UpdateAddress:    p.UpdateAddress,
		RemoveAddress:    p.RemoveAddress,
	}
}

func newRouter(cfg Config, uc httpapi.UseCases, verifier *token.Verifier, m *metrics.Metrics, log *zap.Logger) http.Handler {
	return httpapi.NewRouter(httpapi.Config{
		MaxBodyBytes:   cfg.MaxBodyBytes,
		RequestTimeout: cfg.RequestTimeout,
		Observer:       m,
	}, uc, verifier, log.Named("http"))
}

func newServer(lc fx.Lifecycle, cfg Config, handler http.Handler, log *zap.Logger) *httpapi.Server {
	srv := httpapi.NewServer(cfg.HTTPAddr, handler, log.Named("http"))
	lc.Append(fx.Hook{
		OnStart: srv.Start,
		OnStop: func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, cfg.ShutdownTimeout)
			defer cancel()
			return srv.Stop(ctx)
		},
	})
	return srv
}
