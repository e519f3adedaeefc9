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
//
// A file that cannot be written (full disk, read-only, I/O errors,
// damaged pages) makes writes fail with ErrUnavailable and nothing
// written, and the store not ready until writes succeed again (see
// Ping); an empty or damaged file stops Open.
package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
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
	// Outbox limits what writes leave for the relay.
	Outbox application.OutboxLimits
	// Log hears when the file stops taking writes, when it takes them
	// again, when checkpoints fail and succeed again, and when the files
	// change under the store; nil logs nothing.
	Log *zap.Logger
	// Idempotency limits what keyed writes leave for their copies.
	Idempotency application.IdempotencyLimits
	// WALLimit is the size of the WAL file, in bytes, past which the
	// store empties it, holding its writers back for a moment (see
	// checkpointer); default DefaultWALLimit.
	WALLimit int64
	// Checkpointed hears each checkpoint the store runs, but for those
	// that found the WAL as the last one left it; nil hears none.
	Checkpointed func(Checkpoint)
}

// Store is an open database. Its methods are safe for concurrent use.
type Store struct {
	limits    application.OutboxLimits
	keyLimits application.IdempotencyLimits
	path      string
	busy      time.Duration
	log       *zap.Logger
	write     *sql.DB // one connection: writers queue here, in the caller's context
	read      *sql.DB
	writeStmt stmtCache
	readStmt  stmtCache
	files     *fileWatch
	ckpt      *checkpointer
	fault     atomic.Pointer[error] // the file fault a write met, until a probe write succeeds
	lost      atomic.Pointer[error] // set for good once the files changed under the store
	loseOnce  sync.Once
	closeOnce sync.Once
	closeErr  error
	held      *os.File // the lock file, held shared: tells restore the store is open
}

var (
	_ application.CustomerRepository = (*Store)(nil)
	_ application.Outbox             = (*Store)(nil)
	_ application.Pinger             = (*Store)(nil)
)

// Open opens the database in opts.DataDir, or creates it there, and
// brings its schema up to date. It refuses a file that is empty or fails
// PRAGMA quick_check, with an error that says why and names the file.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if err := errors.Join(opts.Outbox.Check(), opts.Idempotency.Check()); err != nil {
		return nil, fmt.Errorf("sqlite store: %w", err)
	}
	path, err := prepareFiles(ctx, opts.DataDir)
	if err != nil {
		return nil, err
	}
	held, err := holdOpen(ctx, path)
	if err != nil {
		return nil, err
	}
	s := &Store{path: path, held: held, limits: opts.Outbox, keyLimits: opts.Idempotency, busy: opts.BusyTimeout,
		// Its faults are the file's, which a stack trace does not explain.
		log: cmp.Or(opts.Log, zap.NewNop()).WithOptions(zap.AddStacktrace(zapcore.FatalLevel))}
	if s.busy <= 0 {
		s.busy = 5 * time.Second
	}
	if err := s.open(ctx, opts); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) open(ctx context.Context, opts Options) error {
	readers := max(runtime.NumCPU(), 2) // the read pool
	var err error
	if s.write, err = openPool(s.path, s.busy, false, 1); err != nil {
		return err
	}
	if s.read, err = openPool(s.path, s.busy, true, readers); err != nil {
		return err
	}
	if err := checkIntact(ctx, s.read, s.path); err != nil {
		return err
	}
	failed := func(err error) error { return fmt.Errorf("sqlite store %s: %w", s.path, translate(err, "")) }
	if err := migrate(ctx, s.write); err != nil {
		return failed(err)
	}
	if s.writeStmt, err = prepareAll(ctx, s.write, writeStatements); err != nil {
		return failed(err)
	}
	if s.readStmt, err = prepareAll(ctx, s.read, readStatements); err != nil {
		return failed(err)
	}
	if err := connectAll(ctx, s.read, readers); err != nil {
		return failed(err)
	}
	ckpt, err := openPool(s.path, s.busy, false, 1)
	if err != nil {
		return failed(err)
	}
	s.ckpt = &checkpointer{conn: ckpt, writers: s.write, limit: cmp.Or(opts.WALLimit, DefaultWALLimit), log: s.log,
		observe: opts.Checkpointed, lost: func() bool { return s.lost.Load() != nil }, lose: s.lose}
	if s.ckpt.observe == nil {
		s.ckpt.observe = func(Checkpoint) {}
	}
	if err := connectAll(ctx, ckpt, 1); err != nil {
		return failed(err)
	}
	if err := ckpt.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&s.ckpt.pageSize); err != nil {
		return failed(err)
	}
	if s.files, err = watchFiles(s.path); err != nil {
		return failed(err)
	}
	s.ckpt.files = s.files
	s.ckpt.start()
	return nil
}

// connectAll opens the pool's every connection now, and has each read
// the file, which opens its WAL: so every connection uses the WAL the
// store watches (fileWatch), and none opens one later under the WAL's
// path after that file was deleted.
func connectAll(ctx context.Context, db *sql.DB, n int) error {
	conns := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	for range n {
		c, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		conns = append(conns, c)
		var tables int
		if err := c.QueryRowContext(ctx, readSchema).Scan(&tables); err != nil {
			return err
		}
	}
	return nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Pools returns the write and the read connection pools, for metrics.
func (s *Store) Pools() (write, read *sql.DB) { return s.write, s.read }

// Close stops the checkpointer and closes the pools; a write in
// progress finishes first.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		if s.ckpt != nil {
			errs = append(errs, s.ckpt.close())
		}
		s.readStmt.close()
		s.writeStmt.close()
		for _, db := range []*sql.DB{s.read, s.write} {
			if db != nil {
				errs = append(errs, db.Close())
			}
		}
		if s.files != nil {
			errs = append(errs, s.files.close())
		}
		errs = append(errs, s.held.Close())
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
// scratch image has no temporary directory. No connection checkpoints
// when it commits (wal_autocheckpoint=0): the checkpointer does.
func openPool(path string, busy time.Duration, readOnly bool, conns int) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "wal_autocheckpoint(0)")
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

// prepareFiles makes the data directory private (0700), creates the
// database file there if it has none, refuses an empty one, and makes the
// file and its WAL and shared-memory companions private (0600), whatever
// existed before: the file holds password hashes. SQLite creates the
// companions with the database file's mode, so a private file settles
// theirs too.
func prepareFiles(ctx context.Context, dataDir string) (string, error) {
	if dataDir == "" {
		return "", errors.New("sqlite store: no data directory")
	}
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return "", fmt.Errorf("sqlite store: %w", err)
	}
	path := filepath.Join(dir, FileName)
	failed := func(err error) (string, error) { return "", fmt.Errorf("sqlite store %s: %w", path, err) }
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return failed(err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return failed(err)
	}
	switch info, err := os.Stat(path); {
	case errors.Is(err, fs.ErrNotExist):
		if err := createDatabase(ctx, path); err != nil {
			return failed(err)
		}
	case err != nil:
		return failed(err)
	case info.Size() == 0:
		return "", errEmptyFile(path)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return failed(err)
		}
	}
	return path, nil
}
