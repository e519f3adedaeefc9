package sqlite

// The store's fixed statements. Each pool prepares those it runs when the
// store opens (see stmtCache).
const (
	selectCustomer  = `SELECT ` + customerColumns + ` FROM customers WHERE id = ? AND removed = 0`
	selectByEmail   = `SELECT ` + customerColumns + ` FROM customers WHERE email = ? AND removed = 0`
	selectAnyState  = `SELECT ` + customerColumns + ` FROM customers WHERE id = ?` // tombstones too
	insertCustomer  = `INSERT INTO customers (` + customerColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	updateCustomer  = `UPDATE customers SET email = ?, first_name = ?, last_name = ?, status = ?, tags = ?, addresses = ?, version = ?, updated_at = ? WHERE id = ?`
	removeCustomer  = `UPDATE customers SET removed = 1, version = version + 1, updated_at = ? WHERE id = ?`
	deleteCustomer  = `DELETE FROM customers WHERE id = ?`
	deleteTombstone = `DELETE FROM customers WHERE id = ? AND removed = 1`
	insertTag       = `INSERT INTO customer_tags (tag, created_at, customer_id) VALUES (?, ?, ?)`
	deleteTag       = `DELETE FROM customer_tags WHERE tag = ? AND created_at = ? AND customer_id = ?`
	insertEvent     = `INSERT INTO outbox (customer_id, version, event_id, type, at, args) VALUES (?, ?, ?, ?, ?, ?)`
	markPending     = `INSERT INTO outbox_customers (customer_id) VALUES (?) ON CONFLICT DO NOTHING`
	selectEvents    = `SELECT event_id, type, at, args FROM outbox WHERE customer_id = ? ORDER BY version`
	countEvents     = `SELECT count(*) FROM outbox WHERE customer_id = ?`
	anyEventLeft    = `SELECT EXISTS (SELECT 1 FROM outbox WHERE customer_id = ?)`
	countPending    = `SELECT count(*) FROM outbox_customers`
	claimCustomer   = `UPDATE outbox_customers SET lease_owner = ?, lease_until = ? WHERE customer_id = (SELECT customer_id FROM outbox_customers WHERE lease_until IS NULL OR lease_until < ? ORDER BY rowid LIMIT 1) RETURNING customer_id`
	ackEvent        = `DELETE FROM outbox WHERE customer_id = ?1 AND event_id = ?3 AND version = (SELECT min(version) FROM outbox WHERE customer_id = ?1) AND EXISTS (SELECT 1 FROM outbox_customers WHERE customer_id = ?1 AND lease_owner = ?2)`
	renewLease      = `UPDATE outbox_customers SET lease_until = ? WHERE customer_id = ?`
	endLease        = `UPDATE outbox_customers SET lease_owner = NULL, lease_until = NULL WHERE customer_id = ? AND lease_owner = ?`
	dropPending     = `DELETE FROM outbox_customers WHERE customer_id = ? AND lease_owner = ?`
	selectKey       = `SELECT fingerprint, at, result FROM idempotency_keys WHERE scope = ?`
	saveKey         = `INSERT INTO idempotency_keys (scope, subject, fingerprint, at, bytes, result) VALUES (?, ?, ?, ?, ?, ?)`
	forgetKey       = `DELETE FROM idempotency_keys WHERE scope = ?`
	forgetOldKeys   = `DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE at <= ? ORDER BY at LIMIT 16)`
	forgetOwnOld    = `DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE subject = ? AND at <= ? ORDER BY at LIMIT 256)`
	subjectKept     = `SELECT coalesce((SELECT bytes FROM idempotency_subjects WHERE subject = ?), 0)`
	subjectRecords  = `SELECT at, bytes FROM idempotency_keys WHERE subject = ? AND at > ? ORDER BY at`
	readSchema      = `SELECT count(*) FROM sqlite_schema`
	probeWrite      = `UPDATE write_probe SET at = ?, room = zeroblob(65536) WHERE id = 1`
)

var (
	writeStatements = append([]string{
		selectCustomer, insertCustomer, updateCustomer, removeCustomer, deleteCustomer, deleteTombstone, countEvents,
		insertTag, deleteTag, insertEvent, markPending, anyEventLeft,
		claimCustomer, ackEvent, renewLease, endLease, dropPending,
		selectKey, saveKey, forgetKey, forgetOldKeys, forgetOwnOld, subjectKept, subjectRecords, probeWrite,
		selectOneStored, customerExists, putCustomer, dropCustomer, dropEvents, dropWaiting, savepoint, undoPut, releasePut,
	}, passwordWriteStatements...)
	readStatements = append([]string{
		selectCustomer, selectByEmail, selectAnyState, selectEvents, countPending, readSchema,
	}, passwordReadStatements...)
)
