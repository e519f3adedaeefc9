package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	sqlitedriver "modernc.org/sqlite"
)

// BackupOptions say which store to copy and who hears how far the copy
// is.
type BackupOptions struct {
	// DataDir holds the store, as Options.DataDir.
	DataDir string
	// Progress, when set, hears after each step of the copy how many of
	// the store's bytes are copied, of total.
	Progress func(copied, total int64)
	// Checking, when set, hears that the copy is made and being checked.
	Checking func()
}

// BackupResult is what a backup wrote.
type BackupResult struct {
	File string
	// Customers leaves out removed ones; Events are those waiting for
	// the broker.
	Customers, Events int64
	Bytes             int64
	Took              time.Duration
}

// backupStep is how many pages each step of the copy takes: 4 MiB of
// pages of 4 KiB, a progress report a few times a second.
const backupStep = 1024

// Backup writes a copy of the store in opts.DataDir to file, which must
// not exist, while the store serves. The copy is the store as it was
// when the backup began, every commit before then included: SQLite's
// backup API copies its pages inside one read transaction, which in WAL
// mode holds nobody up, so writers go on. The copy is made beside file
// under another name, synced, checked whole (see examine), and only then
// linked to file, which fails if file has appeared meanwhile; whatever
// ends it early leaves no file behind. file gets mode 0600: it holds
// password hashes.
func Backup(ctx context.Context, opts BackupOptions, file string) (BackupResult, error) {
	started := time.Now()
	src, err := existingStore(opts.DataDir)
	if err != nil {
		return BackupResult{}, err
	}
	if file, err = filepath.Abs(file); err != nil {
		return BackupResult{}, err
	}
	// A backup overwrites nothing.
	if _, err := os.Lstat(file); err == nil {
		return BackupResult{}, errFileExists(file)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return BackupResult{}, err
	}
	// No restore puts another database in place while this one is read.
	held, err := holdOpen(ctx, src)
	if err != nil {
		return BackupResult{}, err
	}
	defer held.Close()
	tmp, err := os.CreateTemp(filepath.Dir(file), filepath.Base(file)+".partial-*")
	if err != nil {
		return BackupResult{}, fmt.Errorf("the backup cannot be written beside %s: %w", file, err)
	}
	name := tmp.Name()
	linked := false
	defer func() {
		if !linked {
			_ = os.Remove(name)
		}
		_ = removeCompanions(name)
	}()
	if err := tmp.Close(); err != nil {
		return BackupResult{}, err
	}
	if err := copyPages(ctx, src, name, opts.Progress); ctx.Err() != nil {
		return BackupResult{}, errInterrupted(ctx, file)
	} else if err != nil {
		return BackupResult{}, fmt.Errorf("copying %s to %s: %w", src, name, translate(err, ""))
	}
	if err := syncFile(name); err != nil {
		return BackupResult{}, err
	}
	if opts.Checking != nil {
		opts.Checking()
	}
	copied, err := examine(ctx, name)
	if err := removeCompanions(name); err != nil {
		return BackupResult{}, err
	}
	var r *refusal
	switch {
	case ctx.Err() != nil:
		return BackupResult{}, errInterrupted(ctx, file)
	case errors.As(err, &r):
		return BackupResult{}, fmt.Errorf("the copy of the store %w: %s; nothing was written to %s", err, src, file)
	case err != nil:
		return BackupResult{}, fmt.Errorf("checking the copy of %s: %w", src, translate(err, ""))
	}
	if err := os.Link(name, file); errors.Is(err, fs.ErrExist) {
		return BackupResult{}, errFileExists(file)
	} else if err != nil {
		return BackupResult{}, err
	}
	linked = true
	if err := os.Remove(name); err != nil {
		return BackupResult{}, err
	}
	if err := syncDir(filepath.Dir(file)); err != nil {
		return BackupResult{}, err
	}
	info, err := os.Stat(file)
	if err != nil {
		return BackupResult{}, err
	}
	return BackupResult{File: file, Customers: copied.customers, Events: copied.events, Bytes: info.Size(), Took: time.Since(started)}, nil
}

// copyPages copies the database at src to the empty file dst with
// SQLite's backup API, a step at a time. The read transaction open on
// the source across the steps is what makes the copy one moment of the
// store: without it each step reads afresh, and a commit by another
// connection between two steps starts the copy over. Going a step at a
// time is what lets progress be reported and a cancel end the copy.
func copyPages(ctx context.Context, src, dst string, progress func(copied, total int64)) (err error) {
	db, err := openCopy(src)
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var pageSize int64
	if err := conn.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `BEGIN`); err != nil {
		return err
	}
	defer func() {
		_, rerr := conn.ExecContext(context.Background(), `ROLLBACK`)
		err = errors.Join(err, rerr)
	}()
	var tables int
	if err := conn.QueryRowContext(ctx, readSchema).Scan(&tables); err != nil { // the transaction reads from here on
		return err
	}
	return conn.Raw(func(driverConn any) error {
		source, ok := driverConn.(interface {
			NewBackup(string) (*sqlitedriver.Backup, error)
		})
		if !ok {
			return errors.New("the SQLite driver offers no backup")
		}
		b, err := source.NewBackup(dst)
		if err != nil {
			return err
		}
		for more := true; more; {
			if err := ctx.Err(); err != nil {
				return errors.Join(err, b.Finish())
			}
			if more, err = b.Step(backupStep); err != nil {
				return errors.Join(err, b.Finish())
			}
			if progress != nil {
				total := int64(b.PageCount())
				left := int64(b.Remaining())
				if !more {
					left = 0
				}
				progress((total-left)*pageSize, total*pageSize)
			}
		}
		return b.Finish()
	})
}

// existingStore is the database file of the store in dataDir, which must
// be there: a backup never makes one.
func existingStore(dataDir string) (string, error) {
	if dataDir == "" {
		return "", errors.New("sqlite store: no data directory")
	}
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, FileName)
	switch info, err := os.Stat(path); {
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("there is no store to back up (no %s): %s", FileName, dir)
	case err != nil:
		return "", err
	case info.Size() == 0:
		return "", errEmptyFile(path)
	}
	return path, nil
}

// errInterrupted is a backup or restore whose context ended.
func errInterrupted(ctx context.Context, file string) error {
	return fmt.Errorf("interrupted (%w), and nothing was written or replaced: %s", context.Cause(ctx), file)
}

func errFileExists(file string) error {
	return fmt.Errorf("the file exists, and a backup overwrites nothing: %s; name another, or remove it first (nothing was written)", file)
}

// syncFile makes the file's contents durable.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}
