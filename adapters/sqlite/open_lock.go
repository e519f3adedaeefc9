package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// Every open Store holds a shared lock on a file beside its database
// (customers.db-lock), and so does a backup while it reads: so restore,
// which takes the lock exclusively, can tell across processes that the
// store is open, and puts nothing in place under a service. Shared, the
// lock lets any number of processes share the store, as SQLite's own
// locks do; a process that dies releases it with its files. SQLite has
// no way to ask whether another process has a database open.

// lockSuffix names the lock file after the database, as SQLite names
// its WAL ("-wal") and shared memory ("-shm").
const lockSuffix = "-lock"

// lockPoll is how often an Open waiting for a restore to finish tries
// the lock again.
const lockPoll = 50 * time.Millisecond

// errStoreOpen is a restore refused because a store has the database open.
var errStoreOpen = errors.New("the store is open in another process (a service, or a backup running)")

// holdOpen takes the shared lock of the database at dbPath, waiting
// within ctx while a restore holds it, and returns the lock file:
// closing it releases the lock. Where the system has no such lock, the
// store opens without it, and restore refuses to run.
func holdOpen(ctx context.Context, dbPath string) (*os.File, error) {
	f, err := os.OpenFile(dbPath+lockSuffix, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite store %s: %w", dbPath, err)
	}
	for {
		held, err := lockFile(f, false)
		switch {
		case held || errors.Is(err, errors.ErrUnsupported):
			return f, nil
		case err != nil:
			_ = f.Close()
			return nil, fmt.Errorf("sqlite store %s: locking %s: %w", dbPath, f.Name(), err)
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, fmt.Errorf("a restore is putting another database in place, and had not finished in time (%w): %s; "+
				"try again once it has", ctx.Err(), dbPath)
		case <-time.After(lockPoll):
		}
	}
}

// holdAlone takes the lock of the database at dbPath exclusively, without
// waiting: errStoreOpen while any store has it open.
func holdAlone(dbPath string) (*os.File, error) {
	f, err := os.OpenFile(dbPath+lockSuffix, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	held, err := lockFile(f, true)
	switch {
	case errors.Is(err, errors.ErrUnsupported):
		err = fmt.Errorf("this system offers no file lock to tell whether a service has the store open: %w", err)
	case err == nil && !held:
		err = errStoreOpen
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}
