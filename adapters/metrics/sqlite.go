package metrics

import (
	"database/sql"

	"github.com/prometheus/client_golang/prometheus/collectors"
)

// ObserveSQLPools reports the connection pools of the embedded SQLite
// store as database/sql counts them (go_sql_*, labelled db_name "write"
// or "read"). Writers queue for the one write connection, so
// go_sql_wait_duration_seconds_total{db_name="write"} is the time writes
// spent waiting for their turn.
func (m *Metrics) ObserveSQLPools(write, read *sql.DB) {
	m.registry.MustRegister(
		collectors.NewDBStatsCollector(write, "write"),
		collectors.NewDBStatsCollector(read, "read"),
	)
}
