package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// createDatabase makes a new store at path, whole or not at all: the file
// is made and given its schema under another name beside path, then
// linked to path, which fails if path exists. So a crash leaves no empty
// or half-made database at path (only a file of the other name, which
// nothing reads), and of two processes starting at once on a new
// directory, one makes the store and the other opens it.
func createDatabase(ctx context.Context, path string) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".new-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer func() {
		for _, p := range []string{name, name + "-wal", name + "-shm"} {
			if rerr := os.Remove(p); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) && err == nil {
				err = rerr
			}
		}
	}()
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := initialise(ctx, name); err != nil {
		return fmt.Errorf("making a new database: %w", err)
	}
	if err := os.Link(name, path); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// initialise gives the file at name the schema, in WAL mode, and brings
// every page into the file itself: nothing of it is left in a WAL, whose
// name would not follow the file's.
func initialise(ctx context.Context, name string) error {
	db, err := openPool(name, 5*time.Second, false, 1)
	if err != nil {
		return err
	}
	err = migrate(ctx, db)
	if err == nil {
		_, err = db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	return errors.Join(err, db.Close())
}

// syncDir makes a new name in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
