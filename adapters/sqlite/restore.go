package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// RestoreOptions say where the backup goes.
type RestoreOptions struct {
	// DataDir is the store's directory, as Options.DataDir; made if
	// missing.
	DataDir string
	// Checking, when set, hears that the backup is copied into DataDir
	// and being checked.
	Checking func()
}

// RestoreResult is what a restore did.
type RestoreResult struct {
	// Store is the database file now in place.
	Store string
	// Replaced is where the database it replaced is kept, "" when there
	// was none. ReplacedWAL is that database's WAL, kept beside it under
	// its new name; "" when it had none (a store closed cleanly).
	Replaced, ReplacedWAL string
	// Customers leaves out removed ones; Events are those waiting for
	// the broker.
	Customers, Events int64
	// Version is the schema version of the file put in place, Current
	// this binary's: the store brings the file up to it when it opens.
	Version, Current int
}

// Restore puts the backup file in place as the store of opts.DataDir.
// It refuses while any store has that database open (see holdAlone), and
// a file that examine refuses; either way nothing is replaced. The
// backup is copied beside the database under another name and checked
// there, so that what is checked is what is put in place, and a service
// starting meanwhile waits for the restore to finish. The database it
// replaces is kept beside it, its WAL moved along with it, so that no
// WAL of it is left for the restored database to take as its own. The
// new file is private (0600), as the store's files are.
func Restore(ctx context.Context, opts RestoreOptions, file string) (RestoreResult, error) {
	file, err := backupToRestore(file)
	if err != nil {
		return RestoreResult{}, err
	}
	if opts.DataDir == "" {
		return RestoreResult{}, errors.New("sqlite store: no data directory")
	}
	dir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return RestoreResult{}, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return RestoreResult{}, err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return RestoreResult{}, err
	}
	path := filepath.Join(dir, FileName)
	if same(file, path) {
		return RestoreResult{}, fmt.Errorf("the backup file is the store's own database: %s; nothing was replaced", file)
	}
	held, err := holdAlone(path)
	if errors.Is(err, errStoreOpen) {
		return RestoreResult{}, fmt.Errorf("%w: %s; stop it, then restore (nothing was replaced)", err, path)
	} else if err != nil {
		return RestoreResult{}, fmt.Errorf("restoring into %s: %w", path, err)
	}
	defer held.Close()

	tmp, err := copyInto(dir, file)
	if err != nil {
		return RestoreResult{}, err
	}
	defer func() { // once in place, tmp names nothing
		_ = os.Remove(tmp)
		_ = removeCompanions(tmp)
	}()
	if opts.Checking != nil {
		opts.Checking()
	}
	copied, err := examine(ctx, tmp)
	var r *refusal
	switch {
	case ctx.Err() != nil:
		return RestoreResult{}, errInterrupted(ctx, file)
	case errors.As(err, &r):
		return RestoreResult{}, fmt.Errorf("the backup file %w: %s; nothing was replaced", err, file)
	case err != nil:
		return RestoreResult{}, fmt.Errorf("checking the backup file %s: %w", file, translate(err, ""))
	}
	if err := removeCompanions(tmp); err != nil {
		return RestoreResult{}, err
	}
	res := RestoreResult{Store: path, Customers: copied.customers, Events: copied.events, Version: copied.version, Current: len(migrations)}
	if res.Replaced, res.ReplacedWAL, err = setAside(path); err != nil {
		return RestoreResult{}, fmt.Errorf("keeping the database it replaces, %s: %w (nothing was replaced)", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return RestoreResult{}, err
	}
	return res, syncDir(dir)
}

// backupToRestore is file, absolute, once it is a file of its own: not
// empty, and with no WAL or journal beside it that might hold writes the
// file lacks (a copy made while the service was stopped but its WAL left
// behind, or the live database of another store).
func backupToRestore(file string) (string, error) {
	file, err := filepath.Abs(file)
	if err != nil {
		return "", err
	}
	switch info, err := os.Stat(file); {
	case err != nil:
		return "", fmt.Errorf("the backup file cannot be read (%w): %s; nothing was replaced", err, file)
	case !info.Mode().IsRegular():
		return "", fmt.Errorf("the backup file is not a regular file: %s; nothing was replaced", file)
	case info.Size() == 0:
		return "", fmt.Errorf("the backup file is empty (0 bytes), so it holds no customers and no schema: %s; nothing was replaced", file)
	}
	for _, suffix := range []string{"-wal", "-journal"} {
		if info, err := os.Stat(file + suffix); err == nil && info.Size() > 0 {
			return "", fmt.Errorf("the backup file has %s beside it, which may hold writes the file lacks: %s; "+
				"restore a file written by customer-service backup (nothing was replaced)", filepath.Base(file+suffix), file)
		}
	}
	return file, nil
}

// same tells whether a and b name one file.
func same(a, b string) bool {
	ai, err := os.Stat(a)
	if err != nil {
		return false
	}
	bi, err := os.Stat(b)
	return err == nil && os.SameFile(ai, bi)
}

// copyInto copies file into dir under a name of its own (mode 0600), and
// syncs it.
func copyInto(dir, file string) (_ string, err error) {
	src, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer src.Close()
	dst, err := os.CreateTemp(dir, FileName+".restore-*")
	if err != nil {
		return "", err
	}
	defer func() {
		err = errors.Join(err, dst.Close())
		if err != nil {
			_ = os.Remove(dst.Name())
		}
	}()
	if _, err := io.Copy(dst, src); err != nil {
		return "", fmt.Errorf("copying %s into %s: %w", file, dir, err)
	}
	return dst.Name(), dst.Sync()
}

// replacedLayout stamps the name a replaced database is kept under;
// the milliseconds keep two restores in one second apart.
const replacedLayout = "20060102T150405.000Z"

// setAside keeps the database at path, if there is one, under a name of
// its own beside it, and moves its WAL along under that name, where
// SQLite looks for it when that file is opened, so that path is left
// with no WAL for the restored database to take as its own. Neither is
// opened: the database replaced may be damaged, and SQLite would drop a
// WAL it cannot read. path itself names the old database until the
// restored one replaces it, so a crash on the way leaves one at path.
func setAside(path string) (kept, keptWAL string, err error) {
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return "", "", nil
	} else if err != nil {
		return "", "", err
	}
	kept = path + ".replaced-" + time.Now().UTC().Format(replacedLayout)
	if err := os.Link(path, kept); err != nil {
		return "", "", err
	}
	switch info, err := os.Stat(path + "-wal"); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return "", "", err
	case info.Size() == 0:
		if err := os.Remove(path + "-wal"); err != nil {
			return "", "", err
		}
	default:
		keptWAL = kept + "-wal"
		if err := os.Rename(path+"-wal", keptWAL); err != nil {
			return "", "", err
		}
	}
	// The shared memory only indexes the WAL; SQLite makes it anew.
	if err := os.Remove(path + "-shm"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", "", err
	}
	return kept, keptWAL, nil
}
