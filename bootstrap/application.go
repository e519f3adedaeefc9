package bootstrap

import (
	"go.uber.org/fx"

	"github.com/microbase-io/customer-service/application"
)

// ApplicationModule provides the use cases.
var ApplicationModule = fx.Module("application",
	fx.Provide(
		func() application.Clock { return application.SystemClock{} },
		func(repo application.CustomerRepository, cfg Config, clock application.Clock) application.CreateCustomer {
			return application.NewCreateCustomer(repo, cfg.BcryptCost, clock)
		},
		application.NewGetCustomer,
		application.NewUpdateCustomer,
		application.NewRemoveCustomer,
		application.NewListCustomers,
		func(repo application.CustomerRepository, cfg Config) (application.CheckCredentials, error) {
			return application.NewCheckCredentials(repo, cfg.BcryptCost)
		},
		application.NewAddAddresses,
		application.NewGetAddress,
		application.NewUpdateAddress,
		application.NewRemoveAddress,
	),
)
