package bootstrap

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/microbase-io/customer-service/adapters/admin"
	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/adapters/metrics"
	"github.com/microbase-io/customer-service/application"
)

// AdminModule provides the metrics every adapter reports to and the admin
// server that serves them, with liveness, readiness and, on request, the
// profiler, on admin_addr.
var AdminModule = fx.Module("admin",
	fx.Provide(
		metrics.New,
		newAdminServer,
	),
	fx.Invoke(func(*AdminServer) {}),
)

// AdminServer serves the admin endpoints. It is a type of its own so that
// fx tells it from the public API's server.
type AdminServer struct {
	*httpapi.Server
}

// adminWriteTimeout leaves room for pprof's default 30 s CPU profile,
// which net/http/pprof refuses on a server that would cut it short.
const adminWriteTimeout = 2 * time.Minute

func newAdminServer(lc fx.Lifecycle, cfg Config, m *metrics.Metrics, store application.Pinger, log *zap.Logger) *AdminServer {
	handler := admin.NewHandler(admin.Options{Metrics: m.Handler(), Store: store, Pprof: cfg.Pprof})
	srv := &AdminServer{httpapi.NewServer(cfg.AdminAddr, handler, log.Named("admin"), httpapi.WithWriteTimeout(adminWriteTimeout))}
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			if err := srv.Start(ctx); err != nil {
				return fmt.Errorf("CUSTOMER_ADMIN_ADDR: %w", err)
			}
			return nil
		},
		OnStop: func(ctx context.Context) error {
			// Nobody waits on an admin answer at shutdown; a profile in
			// progress is cut short.
			ctx, cancel := context.WithTimeout(ctx, time.Second)
			defer cancel()
			_ = srv.Stop(ctx)
			return nil
		},
	})
	return srv
}
