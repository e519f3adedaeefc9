package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/microbase-io/customer-service/application"
)

// The store is ready when its file can be read and written. A write that
// fails for the file's sake (isFileFault: a full disk, a read-only or
// damaged file) makes it not ready; while it is not, each readiness check
// tries a write of 64 KiB (the row of write_probe, larger than nearly
// every customer), and the first that succeeds makes it ready again. A
// service that is not ready is sent no writes, so the probe, not the
// clients' writes, is what finds the disk has room again. While writes
// succeed, readiness costs one read and four stats; while they fail, that
// write per check.
//
// A WAL deleted or replaced under the store (fileWatch) is not a fault
// that passes: the store refuses every write until it is restarted.

// Ping tells whether the store can serve: its files are in place, it
// reads, and, after a write failed for the file's sake, a write succeeds.
func (s *Store) Ping(ctx context.Context) error {
	if lost := s.lost.Load(); lost != nil {
		return *lost
	}
	if err := s.files.inPlace(); filesChanged(err) {
		return s.lose(err)
	} else if err != nil {
		return err
	}
	var n int
	if err := s.reader().queryRow(ctx, readSchema).Scan(&n); err != nil {
		return translate(err, "")
	}
	if s.fault.Load() == nil {
		return nil
	}
	err := s.inWriteTx(ctx, func(tx session) error {
		_, err := tx.exec(ctx, probeWrite, time.Now().UnixMilli())
		return err
	})
	if err != nil {
		return translate(err, "")
	}
	if s.fault.Swap(nil) != nil {
		s.log.Info("the database file takes writes again: ready", zap.String("file", s.path))
	}
	return nil
}

// noteWrite remembers a write's failure for the file's sake, so that the
// store is not ready until a probe write succeeds.
func (s *Store) noteWrite(err error) {
	if !isFileFault(err) {
		return
	}
	if s.fault.Swap(&err) == nil {
		s.log.Warn("the database file cannot be written: not ready until a write succeeds",
			zap.String("file", s.path), zap.Error(err))
	}
}

// lose makes the store refuse every write from now on, because its WAL or
// its database file is no longer at its path (cause), and returns what
// writes answer. Once, it logs why, and when no other file took the WAL's
// path, saves what the held WAL holds, every write acknowledged so far,
// into the database file (a checkpoint reads the WAL through the
// connections that still have it open).
func (s *Store) lose(cause error) error {
	s.loseOnce.Do(func() {
		refused := fmt.Errorf("%w: %w; writes are refused until the service is restarted", application.ErrUnavailable, cause)
		s.lost.Store(&refused)
		fields := []zap.Field{zap.String("file", s.path), zap.Error(cause)}
		if errors.Is(cause, errWALDeleted) && s.files.walGone() {
			fields = append(fields, zap.String("acknowledged_writes", s.saveWAL()))
		}
		s.log.Error("the store's files changed under it: writes are refused and the service is not ready until it is restarted", fields...)
	})
	return *s.lost.Load()
}

// saveWAL copies the held WAL into the database file and says how it
// went. The store's checkpointer waits meanwhile.
func (s *Store) saveWAL() string {
	ctx, cancel := context.WithTimeout(context.Background(), s.busy)
	defer cancel()
	if s.ckpt != nil {
		s.ckpt.running.Lock()
		defer s.ckpt.running.Unlock()
	}
	var busy, frames, copied int
	err := s.write.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &copied)
	switch {
	case err != nil:
		return "not saved into the database file, they are lost at restart: " + err.Error()
	case busy != 0:
		return "not saved into the database file (another connection kept the WAL busy), they are lost at restart"
	}
	return "saved into the database file"
}
