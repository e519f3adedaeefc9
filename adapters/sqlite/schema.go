package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations bring a database from one schema version (PRAGMA
// user_version) to the next; a database at version n has run the first n.
// Append only: a released migration never changes.
var migrations = []string{
	// 1: customers with their addresses (a JSON array, read and written
	// with the customer), a side table that indexes their tags, and the
	// outbox, each event keyed by its customer and the version its write
	// produced; and the keys of keyed writes with their results (JSON, no
	// result for a removal).
	//
	// A removed customer stays as a tombstone (removed = 1) until its
	// events are published; the partial indexes leave tombstones out, so
	// its email is free at once and no list meets it.
	//
	// Times are Unix milliseconds, UTC.
	`
CREATE TABLE customers (
	id         TEXT    NOT NULL PRIMARY KEY,
	email      TEXT    NOT NULL,
	password   TEXT    NOT NULL,
	first_name TEXT    NOT NULL,
	last_name  TEXT    NOT NULL,
	status     TEXT    NOT NULL,
	tags       TEXT    NOT NULL,
	addresses  TEXT    NOT NULL,
	version    INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	removed    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX email_1 ON customers (email) WHERE removed = 0;
CREATE INDEX customers_by_creation ON customers (created_at, id) WHERE removed = 0;
CREATE INDEX customers_by_status ON customers (status, created_at, id) WHERE removed = 0;

CREATE TABLE customer_tags (
	tag         TEXT    NOT NULL,
	created_at  INTEGER NOT NULL,
	customer_id TEXT    NOT NULL,
	PRIMARY KEY (tag, created_at, customer_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE outbox (
	customer_id TEXT    NOT NULL,
	version     INTEGER NOT NULL,
	event_id    TEXT    NOT NULL,
	type        TEXT    NOT NULL,
	at          INTEGER NOT NULL,
	args        TEXT    NOT NULL,
	PRIMARY KEY (customer_id, version)
) STRICT, WITHOUT ROWID;

CREATE TABLE idempotency_keys (
	scope       TEXT    NOT NULL PRIMARY KEY,
	fingerprint TEXT    NOT NULL,
	at          INTEGER NOT NULL,
	result      TEXT
) STRICT, WITHOUT ROWID;
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (at);

CREATE TABLE outbox_customers (
	customer_id TEXT    NOT NULL PRIMARY KEY,
	lease_owner TEXT,
	lease_until INTEGER
) STRICT;
`,
	// 2: the keys of keyed writes, scoped by the token's issuer and
	// subject, each with its subject, its result compressed and what it
	// counts against the subject's limit; and each subject's running
	// total, kept by triggers in the statement that adds or removes a
	// record, so that it is exact in every transaction. The keys of
	// version 1 were scoped by the subject alone and can match no call
	// any more: they go. A rowid table, as results run to hundreds of
	// kilobytes, which a WITHOUT ROWID table stores poorly.
	`
DROP TABLE idempotency_keys;
CREATE TABLE idempotency_keys (
	scope       TEXT    NOT NULL UNIQUE,
	subject     TEXT    NOT NULL,
	fingerprint TEXT    NOT NULL,
	at          INTEGER NOT NULL,
	bytes       INTEGER NOT NULL,
	result      BLOB
) STRICT;
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (at);
CREATE INDEX idempotency_keys_by_subject ON idempotency_keys (subject, at, bytes);

CREATE TABLE idempotency_subjects (
	subject TEXT    NOT NULL PRIMARY KEY,
	bytes   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TRIGGER idempotency_keys_counted AFTER INSERT ON idempotency_keys BEGIN
	INSERT INTO idempotency_subjects (subject, bytes) VALUES (NEW.subject, NEW.bytes)
		ON CONFLICT (subject) DO UPDATE SET bytes = bytes + excluded.bytes;
END;
CREATE TRIGGER idempotency_keys_uncounted AFTER DELETE ON idempotency_keys BEGIN
	UPDATE idempotency_subjects SET bytes = bytes - OLD.bytes WHERE subject = OLD.subject;
	DELETE FROM idempotency_subjects WHERE subject = OLD.subject AND bytes <= 0;
END;
`,
	// 3: the row readiness writes to learn whether the file takes writes
	// again (see Store.Ping); its room is rewritten by each probe, so that
	// a probe needs the room of a large write.
	`
CREATE TABLE write_probe (
	id   INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
	at   INTEGER NOT NULL,
	room BLOB    NOT NULL
) STRICT;
INSERT INTO write_probe (id, at, room) VALUES (1, 0, zeroblob(65536));
`,
	// 4: what a customer's password needs besides its hash, a row each
	// at most: its failed sign-ins since the last success (no row, none),
	// and the hash of its one reset token. Both go with the customer's
	// row; a removed customer's are never read.
	`
CREATE TABLE login_attempts (
	customer_id  TEXT    NOT NULL PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
	failures     INTEGER NOT NULL,
	since        INTEGER NOT NULL,
	locked_until INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE password_tokens (
	customer_id TEXT    NOT NULL PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
	hash        TEXT    NOT NULL UNIQUE,
	expires_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
`,
	// 5: the receipt a migration leaves on each customer it puts here
	// (see PutStored): the name of the store it came from and the version
	// it had there. It lives in the customer's row, so that it goes with
	// the customer, as it does in a MongoDB document.
	`
ALTER TABLE customers ADD COLUMN received_from TEXT;
ALTER TABLE customers ADD COLUMN received_version INTEGER;
`,
}

// migrate runs the migrations the database lacks, in one transaction that
// holds the write lock, so processes starting together on one file do not
// run them twice.
func migrate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return err
	}
	if version > len(migrations) {
		return fmt.Errorf("the database is at schema version %d, newer than this service knows (%d)", version, len(migrations))
	}
	if version == len(migrations) {
		return nil
	}
	for _, m := range migrations[version:] {
		if _, err := tx.ExecContext(ctx, m); err != nil {
			return fmt.Errorf("schema version %d: %w", version+1, err)
		}
		version++
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, version)); err != nil {
		return err
	}
	return tx.Commit()
}
