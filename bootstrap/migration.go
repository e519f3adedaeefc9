package bootstrap

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/microbase-io/customer-service/adapters/mongodb"
	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
)

// MigrationOperationTimeout bounds each database call of a migration: a
// page of customers, a batch of puts, the first answer of a walk over a
// whole collection (which a server may sort before it answers).
const MigrationOperationTimeout = 2 * time.Minute

// mongoDBReachTimeout bounds the wait for a MongoDB end to answer at all.
const mongoDBReachTimeout = 15 * time.Second

// MigrationShown is how many findings of each kind a migration lists.
const MigrationShown = 20

// Migrate runs one migration between the stores from and to name, each
// sqlite:DIR (a store's data directory), sqlite:FILE.db (a database file,
// a backup: as the source only) or a mongodb:// or mongodb+srv:// URI
// (the database the URI's path names, else CUSTOMER_MONGODB_DATABASE).
func Migrate(ctx context.Context, cfg Config, from, to string, observer application.MigrationObserver) (application.MigrationReport, error) {
	src, err := openMigrationEnd(ctx, cfg, from, false)
	if err != nil {
		return application.MigrationReport{}, fmt.Errorf("-from %s: %w", from, err)
	}
	defer src.close()
	dst, err := openMigrationEnd(ctx, cfg, to, true)
	if err != nil {
		return application.MigrationReport{}, fmt.Errorf("-to %s: %w", to, err)
	}
	defer dst.close()
	if src.name == dst.name {
		return application.MigrationReport{}, fmt.Errorf("-from and -to are the same store (%s)", src.name)
	}
	m := application.NewMigration(src.source, dst.target, src.name, observer, application.SystemClock{}, MigrationShown)
	return m.Run(ctx)
}

// migrationEnd is a store opened for a migration; name is the same
// however the store was named, for the receipts it leaves on the target.
type migrationEnd struct {
	name   string
	source application.MigrationSource
	target application.MigrationTarget
	close  func()
}

func openMigrationEnd(ctx context.Context, cfg Config, spec string, target bool) (migrationEnd, error) {
	switch {
	case strings.HasPrefix(spec, "sqlite:"):
		return openSQLiteEnd(ctx, cfg, strings.TrimPrefix(spec, "sqlite:"), target)
	case strings.HasPrefix(spec, "mongodb://"), strings.HasPrefix(spec, "mongodb+srv://"):
		return openMongoDBEnd(ctx, cfg, spec, target)
	}
	return migrationEnd{}, errors.New("not a store: give sqlite:DIR, sqlite:FILE.db or a mongodb:// URI")
}

// openSQLiteEnd opens a source read-only, so that the migration never
// writes it; a target is opened as the service opens it, made if new.
func openSQLiteEnd(ctx context.Context, cfg Config, path string, target bool) (migrationEnd, error) {
	if path == "" {
		return migrationEnd{}, errors.New("no path after sqlite:")
	}
	info, err := os.Stat(path)
	isFile := strings.HasSuffix(path, ".db") || (err == nil && !info.IsDir())
	if !target {
		src, err := sqlite.OpenSource(ctx, path)
		if err != nil {
			return migrationEnd{}, err
		}
		return migrationEnd{name: "sqlite:" + src.Path(), source: src, close: func() { _ = src.Close() }}, nil
	}
	if isFile {
		return migrationEnd{}, errors.New("a database file is a source only: give the target as sqlite:DIR, a data directory (restore puts a backup in place)")
	}
	store, err := sqlite.Open(ctx, sqlite.Options{DataDir: path, Outbox: cfg.OutboxLimits(), Idempotency: cfg.IdempotencyLimits()})
	if err != nil {
		return migrationEnd{}, err
	}
	return migrationEnd{name: "sqlite:" + store.Path(), source: store, target: store, close: func() { _ = store.Close() }}, nil
}

func openMongoDBEnd(ctx context.Context, cfg Config, uri string, target bool) (migrationEnd, error) {
	hosts, database, err := mongoDBPlace(uri)
	if err != nil {
		return migrationEnd{}, err
	}
	if database == "" {
		database = cfg.MongoDBDatabase
	}
	client, err := mongodb.NewClient(uri, MigrationOperationTimeout)
	if err != nil {
		return migrationEnd{}, err
	}
	closeClient := func() { _ = client.Disconnect(context.WithoutCancel(ctx)) }
	// The driver connects lazily: a store that cannot be reached is told
	// now, not after the long bound of the first call.
	reach, cancel := context.WithTimeout(ctx, mongoDBReachTimeout)
	defer cancel()
	if err := client.Ping(reach, nil); err != nil {
		closeClient()
		return migrationEnd{}, fmt.Errorf("cannot reach it: %w", err)
	}
	repo := mongodb.NewRepository(client.Database(database), cfg.OutboxLimits(), cfg.IdempotencyLimits())
	if target {
		// Without the unique email index, a put could give two customers one email.
		if err := repo.EnsureIndexes(ctx); err != nil {
			closeClient()
			return migrationEnd{}, fmt.Errorf("creating indexes: %w", err)
		}
	}
	return migrationEnd{name: hosts + "/" + database, source: repo, target: repo, close: closeClient}, nil
}

// mongoDBPlace reads the scheme and hosts, and the database, of a
// connection string,
// without credentials or options and without looking anything up (a
// mongodb+srv:// URI names a DNS record, which the driver resolves).
func mongoDBPlace(uri string) (hosts, database string, err error) {
	scheme, rest, _ := strings.Cut(uri, "://")
	rest, _, _ = strings.Cut(rest, "?")
	hosts, path, _ := strings.Cut(rest, "/")
	if at := strings.LastIndex(hosts, "@"); at >= 0 {
		hosts = hosts[at+1:]
	}
	if hosts == "" {
		return "", "", errors.New("the URI names no host")
	}
	database, err = url.PathUnescape(path)
	if err != nil {
		return "", "", fmt.Errorf("the URI's database: %w", err)
	}
	return scheme + "://" + hosts, database, nil
}
