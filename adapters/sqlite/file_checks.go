package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// The checks a database file passes before the store serves from it. A
// file that fails one stops the store from opening, with an error that
// says why first and names the file: served as it is, an empty file
// would be a new store that silently holds no customer, and a damaged one
// would fail calls one by one.

// errEmptyFile is a database file of 0 bytes. The store never leaves one
// (see createDatabase): something else truncated or made it.
func errEmptyFile(path string) error {
	return fmt.Errorf("the database file is empty (0 bytes), so it holds no customers and no schema: %s; "+
		"restore it from a backup, or remove it to start a store with no customers", path)
}

// errDamagedFile is a file that is not a sound database, as SQLite
// found it.
func errDamagedFile(path, finding string) error {
	return fmt.Errorf("the database file is damaged (%s): %s; restore it from a backup", finding, path)
}

// maxFindings bounds how much of what quick_check found an error quotes.
const maxFindings = 3

// checkIntact runs PRAGMA quick_check: every page of the file is read and
// the structure of every table and index checked, short of matching
// indexes to their rows (integrity_check, several times slower). Its cost
// grows with the file (see the README, Stores).
func checkIntact(ctx context.Context, db *sql.DB, path string) error {
	switch problems, err := check(ctx, db, "quick_check"); {
	case err != nil && isDamage(err):
		return errDamagedFile(path, err.Error())
	case err != nil:
		return fmt.Errorf("checking %s: %w", path, translate(err, ""))
	case problems != "":
		return errDamagedFile(path, problems)
	}
	return nil
}

// check runs PRAGMA quick_check or integrity_check and says what it
// found wrong, "" for nothing; an error is a check that could not run.
func check(ctx context.Context, db *sql.DB, pragma string) (problems string, err error) {
	var findings []string
	for row := range rowsOf(db.QueryContext(ctx, `PRAGMA `+pragma)) {
		var line string
		if err := row.Scan(&line); err != nil {
			return "", err
		}
		if len(findings) < maxFindings {
			findings = append(findings, strings.ReplaceAll(line, "\n", " "))
		}
	}
	if len(findings) == 1 && findings[0] == "ok" {
		return "", nil
	}
	return "PRAGMA " + pragma + ": " + strings.Join(findings, "; "), nil
}
