package sqlite

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"go.uber.org/zap"
)

// The checkpointer copies what the WAL holds into the database file in
// the background, on a connection of its own, so that no commit does it.
// SQLite's automatic checkpoint runs inside the commit that takes the WAL
// past 1,000 pages: that commit copies them and syncs the file before it
// returns, and every writer queued behind it waits as long.
//
// Each pass is a PASSIVE checkpoint: it copies what no reader still
// needs while writers go on appending. Only a writer that finds the WAL
// wholly copied starts it again from its beginning, which under a steady
// stream of writes seldom happens, so the file would grow for as long as
// the stream lasts. When a pass finds the WAL past its bound, the
// checkpointer holds this process's writers back (it takes the write
// pool's one connection, so they queue there in their own context, as
// they queue for each other) and runs a RESTART checkpoint: it waits for
// another process's writer and for readers still in the WAL and copies
// the rest, so that the next writer starts the WAL from its beginning,
// writing over the file rather than growing it. Once writes have stopped
// for a second, a TRUNCATE empties a file larger than a quarter of the
// bound, giving its blocks back (not under load, where the writers would
// wait for the file to take new blocks again). Either keeps the file's
// inode, which the store's fileWatch holds. Writers are held for at most
// restartWait; a RESTART or TRUNCATE that cannot finish by then lets them
// go, and the next is tried after a pause that doubles each time, so that
// a long reader elsewhere (a backup) does not hold writers again and again.
//
// Several processes on one file each run a checkpointer: SQLite lets one
// checkpoint run at a time and tells the others busy, which they report
// and try again at their next pass.

const (
	// DefaultWALLimit is the WAL's size past which the checkpointer
	// starts it again, when Options.WALLimit is not set.
	DefaultWALLimit = 16 << 20
	// checkpointPause is the time between passes while the WAL takes
	// frames; it doubles, up to idlePause, while nothing changes.
	checkpointPause = 20 * time.Millisecond
	idlePause       = time.Second
	// quietBeforeTruncate is how long the WAL must go unchanged before
	// a TRUNCATE gives its blocks back.
	quietBeforeTruncate = time.Second
	// restartWait bounds how long a RESTART or a TRUNCATE holds writers
	// back.
	restartWait = 100 * time.Millisecond
	// maxRetryPause bounds the pause after RESTARTs or TRUNCATEs that
	// did not finish.
	maxRetryPause = 5 * time.Second
	// frameHeader is what each page written to the WAL carries beside
	// it.
	frameHeader = 24
)

// The checkpoint modes, as Checkpoint.Mode names them.
const (
	ModePassive  = "PASSIVE"
	ModeRestart  = "RESTART"
	ModeTruncate = "TRUNCATE"
)

// Checkpoint is one checkpoint the store ran, for metrics.
type Checkpoint struct {
	Mode string
	Took time.Duration
	// WALPages is the pages the WAL holds since it last started from
	// its beginning, and PagesLeft those of them not yet in the database
	// file; both -1 when the checkpoint failed.
	WALPages, PagesLeft int
	// WALBytes is the WAL file's size afterwards.
	WALBytes int64
	// Busy: another connection kept it from finishing (another
	// checkpoint, a writer or a reader); after a RESTART that is busy
	// the WAL goes on growing.
	Busy bool
	Err  error
}

type checkpointer struct {
	conn     *sql.DB // one connection of its own
	writers  *sql.DB // the store's write pool, taken to hold writers back
	files    *fileWatch
	limit    int64 // bytes of WAL
	pageSize int64
	log      *zap.Logger
	observe  func(Checkpoint)
	lost     func() bool
	lose     func(error) error
	cancel   context.CancelFunc
	done     chan struct{}
	// running is held through each pass's checkpoints: SQLite runs one
	// checkpoint at a time and answers another busy at once, so the
	// store's own (Store.saveWAL) takes it first.
	running sync.Mutex

	// Touched by the running loop only.
	last       Checkpoint
	failing    bool
	restarted  bool      // the WAL was wholly copied, with no write since
	quietSince time.Time // the first pass that found the WAL unchanged
	retryAfter time.Time
	retryPause time.Duration
}

func (c *checkpointer) start() {
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel, c.done = cancel, make(chan struct{})
	go c.run(ctx)
}

func (c *checkpointer) run(ctx context.Context) {
	defer close(c.done)
	pause := checkpointPause
	timer := time.NewTimer(pause)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		changed, goOn := c.pass(ctx)
		if !goOn {
			return
		}
		if changed {
			pause = checkpointPause
		} else {
			pause = min(2*pause, idlePause)
		}
		timer.Reset(pause)
	}
}

// pass runs a PASSIVE checkpoint, a RESTART when the WAL is past its
// bound, and a TRUNCATE when writes have stopped and left a large file.
// It reports whether the WAL had changed since the last pass, and
// whether to go on: not once the store's files changed under it, as
// copying a WAL that lost its name is the store's to decide (Store.lose).
func (c *checkpointer) pass(ctx context.Context) (changed, goOn bool) {
	if c.lost() {
		return false, false
	}
	if err := c.files.walLinked(); filesChanged(err) {
		_ = c.lose(err)
		return false, false
	}
	c.running.Lock()
	defer c.running.Unlock()
	r := c.checkpoint(ctx, ModePassive)
	changed = r.WALPages != c.last.WALPages || r.PagesLeft != 0 || r.WALBytes != c.last.WALBytes
	if changed || r.Err != nil {
		c.report(r)
	}
	c.last = r
	switch {
	case changed:
		c.restarted, c.quietSince = false, time.Time{}
	case c.quietSince.IsZero():
		c.quietSince = time.Now()
	}
	var mode string
	switch {
	case r.Err != nil || time.Now().Before(c.retryAfter):
		return changed && r.Err == nil, ctx.Err() == nil
	case !c.quietSince.IsZero() && time.Since(c.quietSince) >= quietBeforeTruncate && r.PagesLeft == 0 && r.WALBytes > c.limit/4:
		mode = ModeTruncate
	case !c.restarted && int64(r.WALPages)*(c.pageSize+frameHeader) > c.limit:
		mode = ModeRestart
	default:
		return changed, ctx.Err() == nil
	}
	t := c.holdingWriters(ctx, mode)
	c.report(t)
	switch {
	case t.Err == nil && !t.Busy:
		// After a RESTART the WAL starts again at the next write; until
		// then it holds what it held.
		c.restarted, c.retryPause, c.retryAfter = true, 0, time.Time{}
		if mode == ModeTruncate {
			c.last = t
		}
	case ctx.Err() == nil:
		c.retryPause = min(max(2*c.retryPause, checkpointPause), maxRetryPause)
		c.retryAfter = time.Now().Add(c.retryPause)
	}
	return true, ctx.Err() == nil
}

// holdingWriters runs a checkpoint in mode with this process's writers
// held back, for at most restartWait.
func (c *checkpointer) holdingWriters(ctx context.Context, mode string) Checkpoint {
	ctx, cancel := context.WithTimeout(ctx, restartWait)
	defer cancel()
	started := time.Now()
	gate, err := c.writers.Conn(ctx)
	if err != nil {
		// The writers kept their connection for the whole wait.
		return c.result(mode, started, -1, -1, true)
	}
	defer gate.Close()
	r := c.checkpoint(ctx, mode)
	r.Took = time.Since(started)
	return r
}

// checkpoint runs PRAGMA wal_checkpoint in mode on the checkpointer's
// connection. A wait that ctx ends is a busy checkpoint, not a failure.
func (c *checkpointer) checkpoint(ctx context.Context, mode string) Checkpoint {
	started := time.Now()
	var busy, pages, copied int
	err := c.conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(`+mode+`)`).Scan(&busy, &pages, &copied)
	if err != nil {
		r := c.result(mode, started, -1, -1, ctx.Err() != nil)
		if !r.Busy {
			r.Err = translate(err, "")
		}
		return r
	}
	return c.result(mode, started, pages, max(pages-copied, 0), busy != 0)
}

func (c *checkpointer) result(mode string, started time.Time, pages, left int, busy bool) Checkpoint {
	r := Checkpoint{Mode: mode, Took: time.Since(started), WALPages: pages, PagesLeft: left, WALBytes: -1, Busy: busy}
	if info, err := c.files.wal.Stat(); err == nil {
		r.WALBytes = info.Size()
	}
	return r
}

// report hands r on, and logs when checkpoints start failing and when
// they succeed again: while they fail the WAL grows. Faults of the file
// itself (a full disk) are left to the writes, which meet them too and
// make the store not ready (see Ping).
func (c *checkpointer) report(r Checkpoint) {
	c.observe(r)
	switch {
	case r.Err != nil && !c.failing && !isFileFault(r.Err):
		c.failing = true
		c.log.Warn("checkpoints fail: the WAL grows until one succeeds", zap.String("file", c.files.dbPath),
			zap.String("mode", r.Mode), zap.Error(r.Err))
	case r.Err == nil && c.failing:
		c.failing = false
		c.log.Info("checkpoints succeed again", zap.String("file", c.files.dbPath), zap.String("mode", r.Mode))
	}
}

// close stops the checkpointer, ending a checkpoint in progress, and
// closes its connection.
func (c *checkpointer) close() error {
	if c.cancel != nil {
		c.cancel()
		<-c.done
	}
	return c.conn.Close()
}
