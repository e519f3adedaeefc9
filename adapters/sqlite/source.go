package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/microbase-io/customer-service/application"
)

// Source is a database file opened read-only, as a migration's source: a
// store's file, which a service may be writing meanwhile, or a backup of
// one. Nothing it does writes the database or changes its schema, so that
// a file of an older schema is read as it is; SQLite makes the companion
// files of a WAL database (-wal, -shm) beside it where there are none, as
// it does for any reader.
type Source struct{ db *sql.DB }

var _ application.MigrationSource = (*Source)(nil)

// selectSourced reads a stored customer's columns in a file of any
// schema: a source's receipts are not read.
var selectSourced = `SELECT ` + customerColumns + `, removed, '', 0 FROM customers WHERE id > ? ORDER BY id LIMIT ?`

// OpenSource opens the database file at path, or the store's file in the
// directory path, read-only. It refuses what is no store's file: a file
// that is missing, empty or no database, or of a schema newer than this
// service knows.
func OpenSource(ctx context.Context, path string) (*Source, error) {
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		path = filepath.Join(path, FileName)
	}
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	switch info, err := os.Stat(path); {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("no database file at %s", path)
	case err != nil:
		return nil, err
	case info.Size() == 0:
		return nil, errEmptyFile(path)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)&_pragma=query_only(ON)")
	if err != nil {
		return nil, err
	}
	var version int
	err = db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version)
	switch {
	case isDamage(err):
		err = errDamagedFile(path, err.Error())
	case err != nil:
		err = fmt.Errorf("reading %s: %w", path, translate(err, ""))
	case version == 0:
		err = fmt.Errorf("%s holds no customer store (schema version 0)", path)
	case version > len(migrations):
		err = fmt.Errorf("%s is at schema version %d, newer than this service knows (%d)", path, version, len(migrations))
	}
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return &Source{db: db}, nil
}

func (s *Source) EachStored(ctx context.Context, each func(application.StoredCustomer) error) error {
	return eachStored(ctx, s.db, selectSourced, each)
}

func (s *Source) CountStored(ctx context.Context) (int64, error) { return countStored(ctx, s.db) }

func (s *Source) Close() error { return s.db.Close() }
