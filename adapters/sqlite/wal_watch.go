package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/microbase-io/customer-service/application"
)

// fileWatch notices the store's files deleted or replaced under it. SQLite
// goes on using the files it has open, which the next start does not
// find: whatever a write puts into a WAL that lost its name is gone once
// the process ends. So the store holds the WAL open itself, checks before
// every commit that it still has a name (one fstat of the held file), and
// checks at every readiness check that the paths of the WAL and of the
// database still name the files in use.
type fileWatch struct {
	dbPath, walPath string
	db              os.FileInfo // the database file as the store opened it
	wal             *os.File
}

// The ways the files can change under the store; each makes it refuse
// writes until it is restarted (Store.lose).
var (
	errWALDeleted  = errors.New("the WAL file was deleted while the store had it open")
	errWALReplaced = errors.New("the WAL file's path names another file than the one the store has open")
	errDBReplaced  = errors.New("the database file was deleted, or its path names another file than the one the store has open")
)

// filesChanged tells the errors above from a check that could not be made.
func filesChanged(err error) bool {
	return errors.Is(err, errWALDeleted) || errors.Is(err, errWALReplaced) || errors.Is(err, errDBReplaced)
}

func watchFailed(what string, err error) error {
	return fmt.Errorf("%w: checking the %s: %w", application.ErrUnavailable, what, err)
}

// watchFiles starts watching the database at dbPath, which the store has
// open, and its WAL, which its open connections have created.
func watchFiles(dbPath string) (*fileWatch, error) {
	db, err := os.Stat(dbPath)
	if err != nil {
		return nil, err
	}
	wal, err := os.Open(dbPath + "-wal")
	if err != nil {
		return nil, err
	}
	return &fileWatch{dbPath: dbPath, walPath: dbPath + "-wal", db: db, wal: wal}, nil
}

// walLinked is the check before a commit.
func (w *fileWatch) walLinked() error {
	info, err := w.wal.Stat()
	if err != nil {
		return watchFailed("WAL file", err)
	}
	if n, known := links(info); known && n == 0 {
		return errWALDeleted
	}
	return nil
}

// inPlace is the check of readiness.
func (w *fileWatch) inPlace() error {
	if err := w.walLinked(); err != nil {
		return err
	}
	switch cur, err := os.Stat(w.dbPath); {
	case errors.Is(err, fs.ErrNotExist):
		return errDBReplaced
	case err != nil:
		return watchFailed("database file", err)
	case !os.SameFile(cur, w.db):
		return errDBReplaced
	}
	held, err := w.wal.Stat()
	if err != nil {
		return watchFailed("WAL file", err)
	}
	cur, err := os.Lstat(w.walPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errWALDeleted // it has another name somewhere, or is going
	case err != nil:
		return watchFailed("WAL file", err)
	case !os.SameFile(cur, held):
		return errWALReplaced
	}
	return nil
}

// walGone tells whether no file has the WAL's path: then the held WAL's
// frames can still be copied into the database file (see Store.lose)
// without another file's frames being taken for them.
func (w *fileWatch) walGone() bool {
	_, err := os.Lstat(w.walPath)
	return errors.Is(err, fs.ErrNotExist)
}

func (w *fileWatch) close() error { return w.wal.Close() }
