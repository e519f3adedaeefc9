package bootstrap

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
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
	src, err := migrationEnd(cfg, from, false)
	if err != nil {
		return application.MigrationReport{}, fmt.Errorf("-from %s: %w", withoutCredentials(from), err)
	}
	dst, err := migrationEnd(cfg, to, true)
	if err != nil {
		return application.MigrationReport{}, fmt.Errorf("-to %s: %w", withoutCredentials(to), err)
	}
	if src.name == dst.name {
		return application.MigrationReport{}, fmt.Errorf("-from and -to are the same store (%s)", src.name)
	}
	source, closeSource, err := src.open(ctx)
	if err != nil {
		return application.MigrationReport{}, fmt.Errorf("-from %s: %w", src.name, err)
	}
	defer closeSource()
	opened, closeTarget, err := dst.open(ctx)
	if err != nil {
		return application.MigrationReport{}, fmt.Errorf("-to %s: %w", dst.name, err)
	}
	defer closeTarget()
	target, ok := opened.(application.MigrationTarget)
	if !ok {
		return application.MigrationReport{}, fmt.Errorf("-to %s: the store cannot be written", dst.name)
	}
	m := application.NewMigration(source, target, src.name, observer, application.SystemClock{}, MigrationShown)
	return m.Run(ctx)
}

// end is one end of a migration: the store's name, the same however the
// command line named it, for the receipts it leaves on the target; and
// how to open it.
type end struct {
	name string
	open func(ctx context.Context) (application.MigrationSource, func(), error)
}

func migrationEnd(cfg Config, spec string, target bool) (end, error) {
	switch {
	case strings.HasPrefix(spec, "sqlite:"):
		return sqliteEnd(cfg, strings.TrimPrefix(spec, "sqlite:"), target)
	case strings.HasPrefix(spec, "mongodb://"), strings.HasPrefix(spec, "mongodb+srv://"):
		return mongoDBEnd(cfg, spec, target)
	}
	return end{}, errors.New("not a store: give sqlite:DIR, sqlite:FILE.db or a mongodb:// URI")
}

// sqliteEnd opens a source read-only, so that the migration never
// writes it; a target is opened as the service opens it, made if new.
func sqliteEnd(cfg Config, path string, target bool) (end, error) {
	if path == "" {
		return end{}, errors.New("no path after sqlite:")
	}
	file, err := filepath.Abs(path)
	if err != nil {
		return end{}, err
	}
	info, err := os.Stat(file)
	isFile := err == nil && !info.IsDir() || err != nil && strings.HasSuffix(file, ".db")
	if !isFile {
		file = filepath.Join(file, sqlite.FileName)
	}
	e := end{name: "sqlite:" + file}
	switch {
	case !target:
		e.open = func(ctx context.Context) (application.MigrationSource, func(), error) {
			src, err := sqlite.OpenSource(ctx, file)
			if err != nil {
				return nil, nil, err
			}
			return src, func() { _ = src.Close() }, nil
		}
	case isFile:
		return end{}, errors.New("a database file is a source only: give the target as sqlite:DIR, a data directory (restore puts a backup in place)")
	default:
		e.open = func(ctx context.Context) (application.MigrationSource, func(), error) {
			store, err := sqlite.Open(ctx, sqlite.Options{DataDir: path, Outbox: cfg.OutboxLimits(), Idempotency: cfg.IdempotencyLimits()})
			if err != nil {
				return nil, nil, err
			}
			return store, func() { _ = store.Close() }, nil
		}
	}
	return e, nil
}

func mongoDBEnd(cfg Config, uri string, target bool) (end, error) {
	hosts, database, err := mongoDBPlace(uri)
	if err != nil {
		return end{}, err
	}
	if database == "" {
		database = cfg.MongoDBDatabase
	}
	return end{name: hosts + "/" + database, open: func(ctx context.Context) (application.MigrationSource, func(), error) {
		client, err := mongodb.NewClient(uri, MigrationOperationTimeout)
		if err != nil {
			return nil, nil, err
		}
		closeClient := func() { _ = client.Disconnect(context.WithoutCancel(ctx)) }
		// The driver connects lazily: a store that cannot be reached is
		// told now, not after the long bound of the first call.
		reach, cancel := context.WithTimeout(ctx, mongoDBReachTimeout)
		defer cancel()
		if err := client.Ping(reach, nil); err != nil {
			closeClient()
			return nil, nil, fmt.Errorf("cannot reach it: %w", err)
		}
		repo, err := mongodb.NewRepository(client.Database(database), cfg.OutboxLimits(), cfg.IdempotencyLimits())
		if err != nil {
			closeClient()
			return nil, nil, err
		}
		if target {
			// Without the unique email index, a put could give two
			// customers one email.
			if err := repo.EnsureIndexes(ctx); err != nil {
				closeClient()
				return nil, nil, fmt.Errorf("creating indexes: %w", err)
			}
		}
		return repo, closeClient, nil
	}}, nil
}

// mongoDBPlace reads the scheme and hosts, and the database, of a
// connection string, without credentials or options and without looking
// anything up (a mongodb+srv:// URI names a DNS record, which the driver
// resolves).
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

// withoutCredentials is a store's name as a message may show it: a URI's
// user and password left out.
func withoutCredentials(spec string) string {
	scheme, rest, found := strings.Cut(spec, "://")
	hosts, path, _ := strings.Cut(rest, "/")
	at := strings.LastIndex(hosts, "@")
	if !found || at < 0 {
		return spec
	}
	return scheme + "://" + hosts[at+1:] + "/" + path
}
