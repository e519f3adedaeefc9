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
		}
		return fmt.Errorf("sqlite: %w", err)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		errors.Is(err, sql.ErrConnDone), errors.Is(err, driver.ErrBadConn):
		return fmt.Errorf("%w: %w", application.ErrUnavailable, err)
	}
	return err
}
