package bootstrap

import (
	"go.uber.org/fx"

	"github.com/microbase-io/customer-service/adapters/metrics"
	"github.com/microbase-io/customer-service/application"
)

// ApplicationModule provides the use cases, as one application.Application.
var ApplicationModule = fx.Module("application",
	fx.Provide(
		func() application.Clock { return application.SystemClock{} },
		func(repo application.CustomerRepository, cfg Config, clock application.Clock, m *metrics.Metrics) (application.Application, error) {
			settings := cfg.PasswordSettings()
			settings.Observer = m
			return application.New(repo, clock, settings)
		},
	),
)
