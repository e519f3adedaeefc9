package bootstrap

import (
	"context"
	"fmt"
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
		newRouter,
		newServer,
	),
	fx.Invoke(func(*httpapi.Server) {}),
)

func newVerifier(cfg Config, m *metrics.Metrics, log *zap.Logger) (*token.Verifier, error) {
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
	v, err := token.NewVerifier(secrets, cfg.TokenScope, cfg.TokenMaxTTL)
	if err != nil {
		return nil, err
	}
	m.ObserveKeptTokens(v)
	return v, nil
}

func newRouter(cfg Config, app application.Application, verifier *token.Verifier, m *metrics.Metrics, log *zap.Logger) http.Handler {
	return httpapi.NewRouter(httpapi.Config{
		MaxBodyBytes:   cfg.MaxBodyBytes,
		RequestTimeout: cfg.RequestTimeout,
		MaxAnswerBytes: cfg.MaxAnswerBytes,
		MaxHeldBytes:   cfg.MaxHeldBytes,
		Observer:       m,
	}, app, verifier, log.Named("http"))
}

func newServer(lc fx.Lifecycle, cfg Config, handler http.Handler, log *zap.Logger) *httpapi.Server {
	srv := httpapi.NewServer(cfg.HTTPAddr, handler, log.Named("http"), httpapi.WithRequestTimeout(cfg.RequestTimeout))
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			if err := srv.Start(ctx); err != nil {
				return fmt.Errorf("CUSTOMER_HTTP_ADDR: %w", err)
			}
			return nil
		},
		OnStop: func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, cfg.ShutdownTimeout)
			defer cancel()
			return srv.Stop(ctx)
		},
	})
	return srv
}
