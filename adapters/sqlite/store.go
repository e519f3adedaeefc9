// Package sqlite stores customers in one SQLite database file: the
// service's embedded default store, made to run without any server.
//
// Every write is one transaction that reads the customer, lets the domain
// decide, writes the result and records its event in the outbox table, so
// a write either happened with its event or not at all. Transactions take
// SQLite's write lock when they begin (BEGIN IMMEDIATE), which serialises
// writers across every process that opens the same file; within a process
// they queue for the one write connection, bounded by their context. Reads
// run on a pool of their own and never wait for writers (WAL mode).
//
// Lookups by id and email, every list filter and the list order are served
// by indexes, so the cost of a call does not grow with the number of
// customers.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	// The pure-Go SQLite driver, so the service stays a static binary.
	_ "modernc.org/sqlite"

	"github.com/microbase-io/customer-service/application"
)

// FileName is the database file inside the data directory.
const FileName = "customers.db"

// Options says where the store keeps its file and how long a write may
// wait for the write lock another process holds.
type Options struct {
	// DataDir holds the database file; created if missing. It and the
	// files in it are made private to the user running the service.
	DataDir string
	// BusyTimeout bounds the wait for another process's write lock (a
	// request's own deadline ends it sooner); default 5 s.
	BusyTimeout time.Duration
	// ReadConnections is the size of the read pool; default the number of
	// CPUs, at least 2.
	ReadConnections int
	// Outbox limits what writes leave for the relay.
	Outbox application.OutboxLimits
	// Idempotency limits what keyed writes leave for their copies.
	Idempotency application.IdempotencyLimits
}

// Store is an open database. Its methods are safe for concurrent use.
type Store struct {
	limits    application.OutboxLimits
	keyLimits application.IdempotencyLimits
	path      string
	write     *sql.DB // one connection: writers queue here, in the caller's context
	read      *sql.DB
	writeStmt *stmtCache
	readStmt  *stmtCache
	closeOnce sync.Once
	closeErr  error
}

var (
	_ application.CustomerRepository = (*Store)(nil)
	_ application.Outbox             = (*Store)(nil)
	_ application.Pinger             = (*Store)(nil)
)

// Open opens (or creates) the database in opts.DataDir and brings its
// schema up to date.
func Open(ctx context.Context, opts Options) (*Store, error) {
	path, err := prepareFiles(opts.DataDir)
	if err != nil {
		return nil, fmt.Errorf("sqlite store: %w", err)
	}
	busy := opts.BusyTimeout
	if busy <= 0 {
		busy = 5 * time.Second
	}
	readers := opts.ReadConnections
	if readers <= 0 {
		readers = max(runtime.NumCPU(), 2)
	}
	s := &Store{path: path, limits: opts.Outbox, keyLimits: opts.Idempotency}
	if s.write, err = openPool(path, busy, false, 1); err == nil {
		s.read, err = openPool(path, busy, true, readers)
	}
	if err == nil {
		err = migrate(ctx, s.write)
	}
	if err == nil {
		s.writeStmt, err = prepareAll(ctx, s.write, writeStatements)
	}
	if err == nil {
		s.readStmt, err = prepareAll(ctx, s.read, readStatements)
	}
	if err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("sqlite store %s: %w", path, translate(err, ""))
	}
	return s, nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Pools returns the write and the read connection pools, for metrics.
func (s *Store) Pools() (write, read *sql.DB) { return s.write, s.read }

// Close closes both pools; a write in progress finishes first.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		for _, c := range []*stmtCache{s.readStmt, s.writeStmt} {
			if c != nil {
				c.close()
			}
		}
		for _, db := range []*sql.DB{s.read, s.write} {
			if db != nil {
				errs = append(errs, db.Close())
			}
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// reader runs statements on the read pool.
func (s *Store) reader() session { return session{cache: s.readStmt} }

// openPool opens connections to path. Every connection runs in WAL mode,
// so readers see the last commit while a writer works; synchronous=NORMAL
// makes a commit durable once it is in the WAL, which a killed process
// does not undo (only losing power before the next checkpoint could), at
// a fraction of a sync per commit; temp_store=MEMORY because a FROM
// scratch image has no temporary directory.
func openPool(path string, busy time.Duration, readOnly bool, conns int) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_pragma", "foreign_keys(ON)")
	if readOnly {
		q.Add("_pragma", "query_only(ON)")
	} else {
		q.Set("_txlock", "immediate")
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(0)
	return db, nil
}

// prepareFiles makes the data directory private (0700) and the database
// file and its WAL and shared-memory companions private (0600), whatever
// existed before: the file holds password hashes. SQLite creates the
// companions with the database file's mode, so creating the file first
// settles theirs too.
func prepareFiles(dataDir string) (string, error) {
	if dataDir == "" {
		return "", errors.New("no data directory")
	}
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
	}
	return path, nil
}

// Ping reads the schema through the read pool: the file is there, is a
// database and can be read.
func (s *Store) Ping(ctx context.Context) error {
	var n int
	err := s.reader().queryRow(ctx, readSchema).Scan(&n)
	return translate(err, "")
}
