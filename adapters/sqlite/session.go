package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
)

// stmtCache holds a pool's fixed statements, prepared when the store
// opens: SQLite spends more parsing one of them than running it.
// database/sql keeps each prepared on every connection that ran it. They
// are prepared ahead because a statement prepared inside a write
// transaction would wait for the pool's one connection, which the
// transaction holds. List queries, built per call, are not among them.
type stmtCache map[string]*sql.Stmt

func prepareAll(ctx context.Context, db *sql.DB, queries []string) (stmtCache, error) {
	c := make(stmtCache, len(queries))
	for _, q := range queries {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			c.close()
			return nil, fmt.Errorf("preparing %q: %w", q, err)
		}
		c[q] = st
	}
	return c, nil
}

func (c stmtCache) close() {
	for _, st := range c {
		_ = st.Close()
	}
}

// session runs the fixed statements on a pool, or inside one of its
// transactions when tx is set.
type session struct {
	cache stmtCache
	tx    *sql.Tx
}

func (s session) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	st, ok := s.cache[query]
	switch {
	case !ok:
		return nil, fmt.Errorf("sqlite: statement %q is not among the pool's prepared ones", query)
	case s.tx != nil:
		return s.tx.StmtContext(ctx, st), nil
	}
	return st, nil
}

func (s session) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := s.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// affected is exec, answering how many rows the statement changed.
func (s session) affected(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := s.exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (s session) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := s.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// queryRow is QueryRowContext: its error, the statement's preparation
// included, comes out of Scan.
func (s session) queryRow(ctx context.Context, query string, args ...any) scanner {
	st, err := s.stmt(ctx, query)
	if err != nil {
		return failedRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

type failedRow struct{ err error }

func (r failedRow) Scan(...any) error { return r.err }

// rowsOf yields the rows of a query, and closes them; a query or a walk
// that fails yields one last row, whose Scan answers its error.
func rowsOf(rows *sql.Rows, err error) iter.Seq[scanner] {
	return func(yield func(scanner) bool) {
		if err != nil {
			yield(failedRow{err})
			return
		}
		defer rows.Close()
		for rows.Next() {
			if !yield(rows) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(failedRow{err})
		}
	}
}
