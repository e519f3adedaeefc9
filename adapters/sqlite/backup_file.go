package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
)

// A copy of a store, made by backup or brought to restore, is checked
// whole before it is kept or put in place: PRAGMA integrity_check finds
// it sound, its schema version (PRAGMA user_version) is one this binary
// knows, and it holds every table, index and trigger the migrations make
// at that version. So restore puts in place nothing the store would
// refuse at start or serve wrongly, and a backup that ends well is one
// restore accepts.

// refusal is what makes a file no copy of a store. It reads after "the
// file", for the caller to name the file.
type refusal struct{ reason string }

func (r *refusal) Error() string { return r.reason }

func refuse(format string, args ...any) error { return &refusal{reason: fmt.Sprintf(format, args...)} }

// storeCopy is what a copy holds.
type storeCopy struct {
	version int
	// customers leaves out removed ones; events are those waiting for
	// the broker.
	customers, events int64
}

// examine checks the database file at path, which nothing else has open,
// and counts what it holds; a *refusal says what is wrong with it.
func examine(ctx context.Context, path string) (storeCopy, error) {
	db, err := openCopy(path)
	if err != nil {
		return storeCopy{}, err
	}
	defer db.Close()
	switch problems, err := check(ctx, db, "integrity_check"); {
	case err != nil && isNotADatabase(err):
		return storeCopy{}, refuse("is not an SQLite database, so no customer store (%v)", err)
	case err != nil && isDamage(err):
		return storeCopy{}, refuse("is damaged (%v)", err)
	case err != nil:
		return storeCopy{}, fmt.Errorf("checking it: %w", err)
	case problems != "":
		return storeCopy{}, refuse("is damaged (%s)", problems)
	}
	var c storeCopy
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&c.version); err != nil {
		return storeCopy{}, err
	}
	switch {
	case c.version > len(migrations):
		return storeCopy{}, refuse("is of schema version %d, newer than this binary knows (%d)", c.version, len(migrations))
	case c.version <= 0:
		return storeCopy{}, refuse("is not a customer store (an SQLite database of no schema version)")
	}
	if err := sameSchema(ctx, db, c.version); err != nil {
		return storeCopy{}, err
	}
	if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM customers WHERE removed = 0), (SELECT count(*) FROM outbox)`).
		Scan(&c.customers, &c.events); err != nil {
		return storeCopy{}, err
	}
	return c, nil
}

// openCopy opens an existing file (mode=rw: never a new one) on one
// connection that only reads.
func openCopy(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=rw&_pragma=busy_timeout(5000)&_pragma=query_only(ON)&_pragma=temp_store(MEMORY)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// sameSchema refuses a database that lacks, or holds otherwise, a table,
// index or trigger that the migrations make at version. Objects of its
// own (SQLite's statistics) are no concern.
func sameSchema(ctx context.Context, db *sql.DB, version int) error {
	want, err := schemaAt(ctx, version)
	if err != nil {
		return fmt.Errorf("schema version %d: %w", version, err)
	}
	have, err := schemaObjects(ctx, db)
	if err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		switch sql, ok := have[name]; {
		case !ok:
			return refuse("is not a customer store (it has no %s)", name)
		case sql != want[name]:
			return refuse("is not a customer store of schema version %d (its %s is not the one of that version)", version, name)
		}
	}
	return nil
}

// schemaAt is what the migrations make at version, in a database of
// their own in memory.
func schemaAt(ctx context.Context, version int) (map[string]string, error) {
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection, one database
	for _, m := range migrations[:version] {
		if _, err := db.ExecContext(ctx, m); err != nil {
			return nil, err
		}
	}
	return schemaObjects(ctx, db)
}

// schemaObjects maps "table customers", "index email_1", ... to their
// SQL.
func schemaObjects(ctx context.Context, db *sql.DB) (map[string]string, error) {
	objects := map[string]string{}
	for row := range rowsOf(db.QueryContext(ctx, `SELECT type, name, coalesce(sql, '') FROM sqlite_schema WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\'`)) {
		var kind, name, sql string
		if err := row.Scan(&kind, &name, &sql); err != nil {
			return nil, err
		}
		objects[kind+" "+name] = sql
	}
	return objects, nil
}

// removeCompanions removes what SQLite may leave beside a copy it had
// open: its journal, WAL and shared memory.
func removeCompanions(path string) error {
	var errs []error
	for _, suffix := range []string{"-journal", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
