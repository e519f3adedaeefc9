package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/sqlitetest"
)

// testWALLimit is a bound a few dozen updates pass.
const testWALLimit = 256 << 10

// checkpoints records what a store's checkpointer reports, as the
// service's metrics hear it.
type checkpoints struct {
	mu    sync.Mutex
	seen  []sqlite.Checkpoint
	added chan struct{}
}

func newCheckpoints() *checkpoints { return &checkpoints{added: make(chan struct{}, 1)} }

func (r *checkpoints) record(c sqlite.Checkpoint) {
	r.mu.Lock()
	r.seen = append(r.seen, c)
	r.mu.Unlock()
	select {
	case r.added <- struct{}{}:
	default:
	}
}

// mark is where the next waitFor starts looking.
func (r *checkpoints) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.seen)
}

// largestWAL is the largest WAL file reported.
func (r *checkpoints) largestWAL() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var n int64
	for _, c := range r.seen {
		n = max(n, c.WALBytes)
	}
	return n
}

// waitFor returns the first checkpoint reported from mark on that ok
// accepts, waiting for it; the test fails if none comes within a minute
// (a checkpointer that stopped).
func (r *checkpoints) waitFor(t *testing.T, mark int, what string, ok func(sqlite.Checkpoint) bool) sqlite.Checkpoint {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		r.mu.Lock()
		for _, c := range r.seen[mark:] {
			if ok(c) {
				r.mu.Unlock()
				return c
			}
		}
		mark = len(r.seen)
		r.mu.Unlock()
		select {
		case <-r.added:
		case <-deadline:
			t.Fatalf("no checkpoint reported %s", what)
		}
	}
}

func openCheckpointed(t *testing.T, dir string, hear func(sqlite.Checkpoint)) *sqlite.Store {
	t.Helper()
	opts := sqlitetest.Options(t, dir)
	opts.WALLimit, opts.Checkpointed, opts.Outbox.Off = testWALLimit, hear, true
	s, err := sqlite.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// renameTo writes the customer's last name.
func renameTo(s *sqlite.Store, id, name string) (*domain.Customer, error) {
	patch, err := domain.NewCustomerPatch(domain.CustomerChanges{LastName: &name})
	if err != nil {
		return nil, err
	}
	now := time.Now()
	return s.Patch(context.Background(), id, patch, nil, now,
		application.NewEvent{ID: domain.NewID(), At: now, Args: application.CustomerUpdated{ID: id, Patch: patch}},
		application.IdempotencyKey{})
}

func done(c sqlite.Checkpoint) bool { return c.Err == nil && !c.Busy }

// walPagesWithin is the WAL limit in pages (4 KiB, with their frame
// headers).
const walPagesWithin = testWALLimit / (4096 + 24)

// The WAL grows past its bound only while something keeps the
// checkpointer from copying it: while a reader holds an old snapshot,
// writes go on and succeed, the WAL passes its bound, and the
// checkpointer says it tried to start it again and was kept busy; once
// the reader ends, it does, and the writes after it start the WAL from
// its beginning. The metrics hear each step.
func TestAWALPastItsBoundIsStartedAgainOnceNoReaderNeedsIt(t *testing.T) {
	dir := t.TempDir()
	seen := newCheckpoints()
	s := openCheckpointed(t, dir, seen.record)
	c := newCustomer(t, s)

	reader := holdSnapshot(t, filepath.Join(dir, sqlite.FileName))
	from := seen.mark()
	var last *domain.Customer
	for i := range 200 {
		var err error
		if last, err = renameTo(s, c.ID(), fmt.Sprintf("Held-%d", i)); err != nil {
			t.Fatalf("write %d while a reader holds a snapshot: %v", i, err)
		}
	}
	grown := seen.waitFor(t, from, "of a WAL past its bound", func(c sqlite.Checkpoint) bool {
		return c.Mode == sqlite.ModePassive && c.WALPages > walPagesWithin
	})
	if grown.PagesLeft == 0 {
		t.Errorf("%+v: every page copied although a reader holds a snapshot before them", grown)
	}
	seen.waitFor(t, from, "of a RESTART kept busy by the reader", func(c sqlite.Checkpoint) bool {
		return c.Mode == sqlite.ModeRestart && c.Busy
	})

	from = seen.mark()
	reader()
	// A RESTART, or a TRUNCATE if the writes are seen to have stopped.
	restarted := seen.waitFor(t, from, "of the WAL wholly copied once the reader ended", func(c sqlite.Checkpoint) bool {
		return c.Mode != sqlite.ModePassive && done(c)
	})
	if restarted.PagesLeft != 0 {
		t.Errorf("%s done with %d pages left", restarted.Mode, restarted.PagesLeft)
	}
	from, largest := seen.mark(), seen.largestWAL()
	if _, err := renameTo(s, c.ID(), "After"); err != nil {
		t.Fatalf("write after the RESTART: %v", err)
	}
	again := seen.waitFor(t, from, "of the WAL started again", func(c sqlite.Checkpoint) bool {
		return c.Mode == sqlite.ModePassive && done(c)
	})
	// The write went over the file's first pages rather than growing it.
	if again.WALPages >= walPagesWithin || again.WALBytes > largest {
		t.Errorf("after the %s the WAL holds %d pages in %d bytes, want fewer than %d in at most the %d it had",
			restarted.Mode, again.WALPages, again.WALBytes, walPagesWithin, largest)
	}
	got, err := s.Get(context.Background(), c.ID())
	if err != nil || got.Snapshot().LastName != "After" || got.Version() != last.Version()+1 {
		t.Fatalf("stored %+v (%v), want every acknowledged write", got, err)
	}

}

// A WAL file left large by a burst of writes is emptied once they stop,
// giving its blocks back; the store takes writes as before.
func TestAWALLeftLargeIsEmptiedOnceWritesStop(t *testing.T) {
	dir := t.TempDir()
	seen := newCheckpoints()
	s := openCheckpointed(t, dir, seen.record)
	c := newCustomer(t, s)
	for i := range 500 {
		if _, err := renameTo(s, c.ID(), fmt.Sprintf("Burst-%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	// A pause in the burst may have been taken for its end already.
	from := seen.mark()
	seen.waitFor(t, 0, "of the WAL emptied", func(c sqlite.Checkpoint) bool {
		return c.Mode == sqlite.ModeTruncate && done(c) && c.WALBytes == 0
	})
	wal := filepath.Join(dir, sqlite.FileName+"-wal")
	if info, err := os.Stat(wal); err != nil || info.Size() > testWALLimit/4 {
		seen.waitFor(t, from, "of the WAL emptied once writes stopped", func(c sqlite.Checkpoint) bool {
			return c.Mode == sqlite.ModeTruncate && done(c) && c.WALBytes == 0
		})
		if info, err := os.Stat(wal); err != nil || info.Size() != 0 {
			t.Errorf("the WAL after a TRUNCATE: %v (%v), want it there and empty", info, err)
		}
	}
	if _, err := renameTo(s, c.ID(), "After"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(context.Background(), c.ID())
	if err != nil || got.Snapshot().LastName != "After" || got.Version() != c.Version()+501 {
		t.Fatalf("stored %+v (%v), want every acknowledged write", got, err)
	}
}

// holdSnapshot begins a read transaction on the database at path, from a
// connection of its own as another process would, and returns what ends
// it.
func holdSnapshot(t *testing.T, path string) (end func()) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM customers`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	end = func() {
		once.Do(func() {
			_ = tx.Rollback()
			_ = db.Close()
		})
	}
	t.Cleanup(end)
	return end
}

// Close stops the checkpointer and closes its connection with the
// others: nothing of the store runs afterwards, and the WAL, wholly
// copied by the last connection, is gone.
func TestCloseStopsTheCheckpointer(t *testing.T) {
	dir := t.TempDir()
	seen := newCheckpoints()
	s := openCheckpointed(t, dir, seen.record)
	c := newCustomer(t, s)
	from := seen.mark()
	for i := range 50 {
		if _, err := renameTo(s, c.ID(), fmt.Sprintf("Closing-%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	seen.waitFor(t, from, "while writes go on", func(c sqlite.Checkpoint) bool { return c.Mode == sqlite.ModePassive })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if running := checkpointerRunning(); running != "" {
		t.Errorf("a checkpointer runs after Close:\n%s", running)
	}
	if _, err := os.Stat(filepath.Join(dir, sqlite.FileName+"-wal")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the WAL is left after Close (%v): a connection stayed open", err)
	}
	got, err := openStore(t, dir).Get(context.Background(), c.ID())
	if err != nil || got.Snapshot().LastName != "Closing-49" {
		t.Fatalf("reopened: %+v (%v), want the last write", got, err)
	}
}

// checkpointerRunning returns the stack of a goroutine in the
// checkpointer's loop, or "". Close waits for the loop to end, but the
// goroutine may still be returning from it: it is given a few turns.
func checkpointerRunning() string {
	var stack string
	for range 100 {
		buf := make([]byte, 1<<20)
		stack = ""
		for g := range strings.SplitSeq(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			if strings.Contains(g, "(*checkpointer).run") {
				stack = g
			}
		}
		if stack == "" {
			return ""
		}
		runtime.Gosched()
	}
	return stack
}

// Two stores on one data directory, as two processes are, each with its
// checkpointer: both take writes throughout, every write acknowledged is
// kept, and once the writes stop the WAL is started again within its
// bound.
func TestTwoStoresOnOneDirectoryBothKeepWorking(t *testing.T) {
	dir := t.TempDir()
	seen := newCheckpoints()
	var byA, byB atomic.Int64
	open := func(n *atomic.Int64) *sqlite.Store {
		return openCheckpointed(t, dir, func(c sqlite.Checkpoint) {
			if done(c) {
				n.Add(1)
			}
			seen.record(c)
		})
	}
	a, b := open(&byA), open(&byB)
	c := newCustomer(t, a)

	const writers, writes = 4, 100
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range writes {
				s := a
				if (w+i)%2 == 1 {
					s = b
				}
				if _, err := renameTo(s, c.ID(), fmt.Sprintf("W%d-%d", w, i)); err != nil {
					errs <- fmt.Errorf("writer %d, write %d: %w", w, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for name, s := range map[string]*sqlite.Store{"first": a, "second": b} {
		got, err := s.Get(context.Background(), c.ID())
		if err != nil || got.Version() != c.Version()+writers*writes {
			t.Errorf("the %s store reads %+v (%v), want version %d", name, got, err, c.Version()+writers*writes)
		}
	}

	// Either checkpointer may be the one to start the WAL again.
	seen.waitFor(t, 0, "of a RESTART done", func(c sqlite.Checkpoint) bool { return c.Mode == sqlite.ModeRestart && done(c) })
	from := seen.mark()
	if _, err := renameTo(a, c.ID(), "Last"); err != nil {
		t.Fatal(err)
	}
	seen.waitFor(t, from, "of the WAL within its bound after the writes", func(c sqlite.Checkpoint) bool {
		return c.Mode == sqlite.ModePassive && done(c) && c.WALPages < walPagesWithin
	})
	if byA.Load() == 0 || byB.Load() == 0 {
		t.Errorf("checkpoints done: %d by the first store, %d by the second; want both to run", byA.Load(), byB.Load())
	}
}
