package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	sqlitedriver "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// emailIndex is the unique index on emails; MicroBase clients read its
// name in the data of a duplicate_key error.
const emailIndex = "email_1"

// translate turns what the driver and database/sql report into the
// application's language; it is the only place that knows how SQLite
// reports failures. Errors of the domain and the application pass as they
// are. email is the value a violation of the email index would be about.
//
// A statement that fails leaves its transaction to be rolled back (see
// inWriteTx), so every failure that is not the caller's is
// ErrUnavailable with nothing written: the write lock held too long by
// another process, and the faults of the file itself (isFileFault).
func translate(err error, email string) error {
	var se *sqlitedriver.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		switch {
		case se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE && strings.Contains(se.Error(), "customers.email"):
			return &domain.DuplicateEmailError{Index: emailIndex, Email: email}
		case se.Code()&0xff == sqlite3.SQLITE_BUSY, se.Code()&0xff == sqlite3.SQLITE_LOCKED,
			se.Code()&0xff == sqlite3.SQLITE_INTERRUPT:
			// Another process held the write lock past the busy timeout.
			return fmt.Errorf("%w: %w", application.ErrUnavailable, err)
		case isFileFault(err):
			return fmt.Errorf("%w: the database file cannot be used: %w", application.ErrUnavailable, err)
		}
		return fmt.Errorf("sqlite: %w", err)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		errors.Is(err, sql.ErrConnDone), errors.Is(err, driver.ErrBadConn):
		return fmt.Errorf("%w: %w", application.ErrUnavailable, err)
	}
	return err
}

// isFileFault tells the failures of the database file rather than of a
// statement: the disk is full, the file or its directory cannot be
// written (read-only, immutable, permissions), the disk failed to read or
// write, or a page read is damaged. They last until someone frees space
// or repairs the file, and every write meets them; the store is not ready
// meanwhile (see Ping).
func isFileFault(err error) bool {
	var se *sqlitedriver.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN,
		sqlite3.SQLITE_PERM, sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return true
	}
	return false
}

// isDamage tells a file that is not a sound database: damaged pages, or
// not a database at all.
func isDamage(err error) bool {
	var se *sqlitedriver.Error
	return errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_CORRUPT || se.Code()&0xff == sqlite3.SQLITE_NOTADB)
}

// isNotADatabase tells a file that SQLite does not take for a database.
func isNotADatabase(err error) bool {
	var se *sqlitedriver.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_NOTADB
}
