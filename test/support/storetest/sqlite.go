package storetest

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	_ "modernc.org/sqlite"

	"github.com/microbase-io/customer-service/adapters/sqlite"
)

// SQLite reads the embedded store's file in dataDir, with a connection of
// its own (the store allows readers from other processes).
func SQLite(dataDir string) Inspector {
	return fileIn(dataDir)
}

type sqliteFile struct{ path string }

func fileIn(dataDir string) sqliteFile {
	return sqliteFile{path: filepath.Join(dataDir, sqlite.FileName)}
}

// open connects to the file for reading only.
func (f sqliteFile) open() (*sql.DB, error) { return f.connect("&_pragma=query_only(ON)") }

// connect connects to the file with more pragmas, each "&_pragma=...".
func (f sqliteFile) connect(pragmas string) (*sql.DB, error) {
	return sql.Open("sqlite", "file:"+f.path+"?_pragma=busy_timeout(10000)"+pragmas)
}

// HoldSQLiteSnapshot opens a read transaction on the embedded store's
// file in dataDir and keeps it open until release, as a long report or
// a backup elsewhere would. No checkpoint copies the WAL past its
// snapshot, so from the first write after it the WAL is never wholly
// copied, and no writer starts it again from its beginning over blocks
// it already has: each write needs new blocks on the disk, and the
// disk's free space alone says whether writes fit.
func HoldSQLiteSnapshot(ctx context.Context, dataDir string) (release func() error, err error) {
	db, err := fileIn(dataDir).open()
	if err != nil {
		return nil, err
	}
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err == nil {
		// SQLite takes the snapshot at a transaction's first read.
		var n int
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM customers`).Scan(&n)
	}
	if err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return func() error { return errors.Join(tx.Rollback(), db.Close()) }, nil
}

// CheckpointSQLite copies the WAL of the embedded store in dataDir into
// its database file and empties it, as the store's checkpointer does a
// second after writes stop, so that the database file's size alone says
// what the store holds. It tries again while another connection keeps
// the WAL busy, until ctx ends.
func CheckpointSQLite(ctx context.Context, dataDir string) error {
	// Not read only: a checkpoint writes the database file.
	db, err := fileIn(dataDir).connect("")
	if err != nil {
		return err
	}
	defer db.Close()
	for {
		var busy, frames, copied int
		if err := db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &copied); err != nil {
			return err
		}
		if busy == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the WAL stayed busy: %w", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

const customerQuery = `SELECT id, email, password, first_name, last_name, status, tags, version, removed FROM customers`

func (f sqliteFile) Customer(ctx context.Context, id string) (Customer, error) {
	all, err := f.query(ctx, customerQuery+` WHERE id = ?`, id)
	if err != nil {
		return Customer{}, err
	}
	if len(all) == 0 {
		return Customer{}, fmt.Errorf("customer %s is not in the database", id)
	}
	return all[0], nil
}

func (f sqliteFile) Customers(ctx context.Context) ([]Customer, error) {
	return f.query(ctx, customerQuery)
}

func (f sqliteFile) query(ctx context.Context, query string, args ...any) ([]Customer, error) {
	db, err := f.open()
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", f.path, err)
	}
	defer rows.Close()
	var out []Customer
	for rows.Next() {
		var (
			c    Customer
			tags string
		)
		if err := rows.Scan(&c.ID, &c.Email, &c.PasswordHash, &c.FirstName, &c.LastName, &c.Status, &tags, &c.Version, &c.Removed); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(tags), &c.Tags); err != nil {
			return nil, fmt.Errorf("customer %s: tags %q: %w", c.ID, tags, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Dump renders every row of every table, each table's rows sorted.
func (f sqliteFile) Dump(ctx context.Context) (string, error) {
	db, err := f.open()
	if err != nil {
		return "", err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	tables, err := column[string](ctx, tx, `SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, table := range tables {
		lines, err := tableLines(ctx, tx, table)
		if err != nil {
			return "", err
		}
		for _, l := range lines {
			fmt.Fprintf(&b, "%s %s\n", table, l)
		}
	}
	return b.String(), nil
}

func tableLines(ctx context.Context, tx *sql.Tx, table string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT * FROM "`+strings.ReplaceAll(table, `"`, `""`)+`"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var lines []string
	for rows.Next() {
		values := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		line, err := json.Marshal(values)
		if err != nil {
			return nil, err
		}
		lines = append(lines, string(line))
	}
	slices.Sort(lines)
	return lines, rows.Err()
}

func column[T any](ctx context.Context, tx *sql.Tx, query string) ([]T, error) {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if len(out) == 0 && rows.Err() == nil {
		return nil, errors.New("the database has no tables")
	}
	return out, rows.Err()
}
