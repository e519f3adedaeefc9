package bootstrap

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/microbase-io/customer-service/adapters/metrics"
	"github.com/microbase-io/customer-service/adapters/mongodb"
	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
)

// databaseModule provides the store behind the use cases: the repository,
// the outbox its writes fill and the readiness check. With a MongoDB URI
// that is MongoDB; without one, the embedded SQLite store in the data
// directory.
func databaseModule(cfg Config) fx.Option {
	store := []fx.Annotation{fx.As(new(application.CustomerRepository)), fx.As(new(application.Outbox)), fx.As(new(application.Pinger))}
	if cfg.Embedded() {
		return fx.Module("sqlite", fx.Provide(fx.Annotate(newSQLiteStore, store...)))
	}
	return fx.Module("mongodb", fx.Provide(newMongoClient, newMongoDatabase, fx.Annotate(newMongoRepository, store...)))
}

// legacyStoreFile is where the development store of earlier versions
// (FerretDB on SQLite) kept the customer database.
const legacyStoreFile = "customer.sqlite"

// newSQLiteStore opens the store within the bound fx gives start hooks:
// making the schema and checking the file at start are not a request's
// work, and a short CUSTOMER_REQUEST_TIMEOUT must not keep the service
// from starting.
func newSQLiteStore(lc fx.Lifecycle, cfg Config, log *zap.Logger, m *metrics.Metrics) (*sqlite.Store, error) {
	ctx, cancel := context.WithTimeout(context.Background(), fx.DefaultTimeout)
	defer cancel()
	checkpointed := m.SQLiteCheckpoints()
	store, err := sqlite.Open(ctx, sqlite.Options{DataDir: cfg.DataDir, BusyTimeout: cfg.RequestTimeout, Outbox: cfg.OutboxLimits(),
		Log: log.Named("sqlite"), Idempotency: cfg.IdempotencyLimits(),
		Checkpointed: func(c sqlite.Checkpoint) { checkpointed(checkpointFigures(c)) }})
	if err != nil {
		return nil, err
	}
	lc.Append(fx.StopHook(store.Close))
	m.ObserveSQLPools(store.Pools())
	log.Info("store: the embedded SQLite database; set CUSTOMER_MONGODB_URI to use MongoDB", zap.String("file", store.Path()))
	if _, err := os.Stat(filepath.Join(cfg.DataDir, legacyStoreFile)); err == nil {
		log.Warn("the data directory also holds the database of the earlier FerretDB-based store, which this store does not read",
			zap.String("file", filepath.Join(cfg.DataDir, legacyStoreFile)))
	}
	return store, nil
}

func checkpointFigures(c sqlite.Checkpoint) metrics.SQLiteCheckpoint {
	outcome := "done"
	switch {
	case c.Err != nil:
		outcome = "failed"
	case c.Busy:
		outcome = "busy"
	}
	return metrics.SQLiteCheckpoint{Mode: c.Mode, Took: c.Took, Outcome: outcome,
		WALBytes: c.WALBytes, WALPages: c.WALPages, PagesLeft: c.PagesLeft}
}

func newMongoClient(lc fx.Lifecycle, cfg Config, log *zap.Logger, m *metrics.Metrics) (*mongo.Client, error) {
	commands, pool := m.MongoDBMonitors()
	client, err := mongodb.NewClient(cfg.MongoDBURI, cfg.RequestTimeout,
		options.Client().SetMonitor(commands).SetPoolMonitor(pool))
	if err != nil {
		return nil, err
	}
	lc.Append(fx.StopHook(client.Disconnect))
	log.Info("store: MongoDB", zap.String("database", cfg.MongoDBDatabase))
	return client, nil
}

func newMongoDatabase(client *mongo.Client, cfg Config) *mongo.Database {
	return client.Database(cfg.MongoDBDatabase)
}

// newMongoRepository makes sure the indexes exist before the service takes
// traffic: without the unique email index, duplicates could slip in.
func newMongoRepository(lc fx.Lifecycle, db *mongo.Database, cfg Config) (*mongodb.Repository, error) {
	repo, err := mongodb.NewRepository(db, cfg.OutboxLimits(), cfg.IdempotencyLimits())
	if err != nil {
		return nil, err
	}
	lc.Append(fx.StartHook(func(ctx context.Context) error {
		if err := repo.EnsureIndexes(ctx); err != nil {
			return fmt.Errorf("creating indexes: %w", err)
		}
		return nil
	}))
	return repo, nil
}
