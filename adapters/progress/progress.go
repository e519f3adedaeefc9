// Package progress shows how far a command that runs for seconds is (a
// migration, a backup) on the operator's terminal, or in a log that is no
// terminal, and what a migration did in the end.
package progress

import (
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/microbase-io/customer-service/application"
)

// Observer hears a migration and shows its progress.
type Observer interface {
	application.MigrationObserver
	// Done ends the last pass's display.
	Done()
}

// Unit is what a display counts.
type Unit int

const (
	Customers Unit = iota
	Bytes
)

// New shows progress on w, counted in unit: a bar with the rate and the
// time left when w is a terminal, a line every `every` otherwise.
func New(w io.Writer, terminal bool, every time.Duration, unit Unit) Observer {
	if terminal {
		return &bar{w: w, unit: unit}
	}
	return &lines{w: w, every: every, now: time.Now, unit: unit}
}

// bar is the terminal's display: one bar per pass.
type bar struct {
	w    io.Writer
	unit Unit
	bar  *progressbar.ProgressBar
	done int64
}

func (b *bar) Phase(name string, total int64) {
	b.Done()
	b.done = 0
	counted := []progressbar.Option{progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("customers")}
	if b.unit == Bytes {
		counted = []progressbar.Option{progressbar.OptionShowBytes(true), progressbar.OptionShowTotalBytes(true), progressbar.OptionUseIECUnits(true)}
	}
	b.bar = progressbar.NewOptions64(max(total, 1), append(counted,
		progressbar.OptionSetWriter(b.w),
		progressbar.OptionSetDescription(name),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionFullWidth(),
		progressbar.OptionOnCompletion(func() { _, _ = io.WriteString(b.w, "\n") }),
	)...)
}

func (b *bar) Advanced(n int64) {
	b.done += n
	// The total is the source's estimate; a store that grew goes beyond it.
	if b.done > b.bar.GetMax64() {
		b.bar.ChangeMax64(b.done)
	}
	_ = b.bar.Add64(n)
}

func (b *bar) Done() {
	if b.bar != nil && !b.bar.IsFinished() {
		_ = b.bar.Finish()
	}
}
