package sqlite

import (
	"context"
	"strings"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// List reads customers in creation order, then by id. Each filter is
// served by an index that already holds that order, so a page costs what
// its rows cost, not what the table holds: one tag walks that tag's range
// of customer_tags; several tags, or none, walk the creation order (or a
// status's range of it) and keep the customers that match. A list after a
// position starts its walk there (a keyset on the same index), so a page
// deep in the list costs what the first one costs; only Skip walks the
// rows it skips.
func (s *Store) List(ctx context.Context, q application.ListQuery, each func(*domain.Customer) error) error {
	query, args := listQuery(q)
	for row := range rowsOf(s.read.QueryContext(ctx, query, args...)) {
		c, err := scanRow(row)
		if err != nil {
			return translate(err, "")
		}
		if err := each(c); err != nil {
			return err
		}
	}
	return nil
}

// listQuery builds the SELECT for q.
func listQuery(q application.ListQuery) (string, []any) {
	var (
		b     strings.Builder
		args  []any
		where = []string{"c.removed = 0"}
	)
	in := func(column string, values []string) {
		if len(values) == 0 {
			return
		}
		where = append(where, column+" IN ("+placeholders(len(values))+")")
		for _, v := range values {
			args = append(args, v)
		}
	}
	columns := "c." + strings.ReplaceAll(customerColumns, ", ", ", c.")
	if q.WithoutAddresses {
		columns = strings.Replace(columns, "c.addresses", "'[]'", 1)
	}
	b.WriteString(`SELECT ` + columns + ` FROM `)
	// order is the driving index's key, which After compares with as a
	// row value so that SQLite starts the walk at the position.
	order := "c.created_at, c.id"
	switch len(q.Tags) {
	case 0:
		b.WriteString("customers c")
	case 1:
		b.WriteString("customer_tags t JOIN customers c ON c.id = t.customer_id AND c.created_at = t.created_at")
		where = append(where, "t.tag = ?")
		args = append(args, q.Tags[0])
		order = "t.created_at, t.customer_id"
	default:
		b.WriteString("customers c")
		where = append(where, "EXISTS (SELECT 1 FROM customer_tags t WHERE t.customer_id = c.id AND t.created_at = c.created_at AND t.tag IN ("+placeholders(len(q.Tags))+"))")
		for _, tag := range q.Tags {
			args = append(args, tag)
		}
	}
	if q.After != nil {
		where = append(where, "("+order+") > (?, ?)")
		args = append(args, q.After.CreatedAt.UnixMilli(), q.After.ID)
	}
	in("c.id", q.IDs)
	in("c.email", q.Emails)
	statuses := make([]string, len(q.Statuses))
	for i, st := range q.Statuses {
		statuses[i] = st.String()
	}
	// One status, without tags, walks its range of the status index,
	// already in order; otherwise the status is checked on each row the
	// driving index gives (the unary + keeps SQLite from reading several
	// status ranges, or a whole status, and sorting them).
	if len(statuses) == 1 && len(q.Tags) == 0 {
		in("c.status", statuses)
	} else {
		in("+c.status", statuses)
	}
	b.WriteString(" WHERE " + strings.Join(where, " AND ") + " ORDER BY " + order)
	// SQLite takes LIMIT -1 as "no limit".
	limit := q.Limit
	if limit <= 0 {
		limit = -1
	}
	b.WriteString(" LIMIT ? OFFSET ?")
	args = append(args, limit, q.Skip)
	return b.String(), args
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
