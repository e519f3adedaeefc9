package metrics

import (
	"database/sql"
	"time"

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

// SQLiteCheckpoint is one checkpoint the embedded store ran: a PASSIVE
// one beside the writers, or a RESTART with them held back.
type SQLiteCheckpoint struct {
	Mode string
	Took time.Duration
	// Outcome is "done", "busy" (another connection kept it from
	// finishing) or "failed".
	Outcome string
	// WALBytes is the WAL file's size; WALPages the pages it holds since
	// it last started from its beginning, and PagesLeft those not yet in
	// the database file. Negative when unknown (a checkpoint that failed).
	WALBytes            int64
	WALPages, PagesLeft int
}

// SQLiteCheckpoints registers the metrics of the embedded store's
// checkpoints and returns what records each.
func (m *Metrics) SQLiteCheckpoints() func(SQLiteCheckpoint) {
	duration := histogramVec("sqlite", "checkpoint_duration_seconds",
		"Time checkpoints of the WAL took, by mode (PASSIVE beside the writers, RESTART with this process's writers held back).",
		[]float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}, "mode")
	count := counterVec("sqlite", "checkpoints_total",
		"Checkpoints of the WAL, by mode and outcome (done, busy: another connection kept it from finishing, failed).", "mode", "outcome")
	walBytes := gauge("sqlite", "wal_bytes", "Size of the WAL file at the last checkpoint.")
	walPages := gauge("sqlite", "wal_pages", "Pages the WAL held at the last checkpoint, since it last started from its beginning.")
	left := gauge("sqlite", "wal_pages_left", "Pages of the WAL not yet copied into the database file at the last checkpoint.")
	m.registry.MustRegister(duration, count, walBytes, walPages, left)
	return func(c SQLiteCheckpoint) {
		duration.WithLabelValues(c.Mode).Observe(c.Took.Seconds())
		count.WithLabelValues(c.Mode, c.Outcome).Inc()
		if c.WALBytes >= 0 {
			walBytes.Set(float64(c.WALBytes))
		}
		if c.WALPages >= 0 {
			walPages.Set(float64(c.WALPages))
			left.Set(float64(c.PagesLeft))
		}
	}
}
