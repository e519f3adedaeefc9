package bootstrap

import (
	"context"
	"fmt"
	"log/slog"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.uber.org/fx"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
	"go.uber.org/zap/zapcore"

	"github.com/microbase-io/customer-service/adapters/embedded"
	"github.com/microbase-io/customer-service/adapters/metrics"
	"github.com/microbase-io/customer-service/adapters/mongodb"
	"github.com/microbase-io/customer-service/application"
)

// DatabaseModule provides the MongoDB database, the customer repository
// and, when no URI is configured, the embedded store behind them.
var DatabaseModule = fx.Module("database",
	fx.Provide(
		newMongoClient,
		newMongoDatabase,
		fx.Annotate(newRepository, fx.As(new(application.CustomerRepository)), fx.As(new(application.Outbox))),
	),
)

// newMongoClient starts the embedded store right here when no URI is
// configured, because the client needs the store's address; the store
// stops after the client has disconnected (fx stops in reverse order).
func newMongoClient(lc fx.Lifecycle, cfg Config, log *zap.Logger, m *metrics.Metrics) (*mongo.Client, error) {
	uri := cfg.MongoDBURI
	if cfg.Embedded() {
		// FerretDB logs every connection at info and dumps wire messages
		// at warn when a client hangs up; only its errors concern users.
		quiet := log.Named("embedded").WithOptions(zap.IncreaseLevel(zapcore.ErrorLevel))
		store, err := embedded.Start(embedded.Options{DataDir: cfg.DataDir, Logger: slog.New(zapslog.NewHandler(quiet.Core()))})
		if err != nil {
			return nil, err
		}
		lc.Append(fx.StopHook(store.Stop))
		uri = store.URI()
		log.Warn("using the embedded development store (FerretDB on SQLite); set CUSTOMER_MONGODB_URI for production",
			zap.String("data_dir", cfg.DataDir))
	}
	client, err := mongodb.NewClient(uri, cfg.RequestTimeout,
		options.Client().SetMonitor(m.CommandMonitor()).SetPoolMonitor(m.PoolMonitor()))
	if err != nil {
		return nil, err
	}
	lc.Append(fx.StopHook(client.Disconnect))
	return client, nil
}

func newMongoDatabase(client *mongo.Client, cfg Config) *mongo.Database {
	return client.Database(cfg.MongoDBDatabase)
}

// newRepository makes sure the indexes exist before the service takes
// traffic: without the unique email index, duplicates could slip in.
func newRepository(lc fx.Lifecycle, db *mongo.Database) *mongodb.Repository {
	repo := mongodb.NewRepository(db)
	lc.Append(fx.StartHook(func(ctx context.Context) error {
		if err := repo.EnsureIndexes(ctx); err != nil {
			return fmt.Errorf("creating indexes: %w", err)
		}
		return nil
	}))
	return repo
}
