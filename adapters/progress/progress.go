// Package progress shows how far a migration is on the operator's
// terminal, or in a log that is no terminal, and what it did in the end.
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

// New shows progress on w: a bar with the rate and the time left when w
// is a terminal, a line every `every` otherwise.
func New(w io.Writer, terminal bool, every time.Duration) Observer {
	if terminal {
		return &bar{w: w}
	}
	return &lines{w: w, every: every, now: time.Now}
}

// bar is the terminal's display: one bar per pass.
type bar struct {
	w    io.Writer
	bar  *progressbar.ProgressBar
	done int64
}

func (b *bar) Phase(name string, total int64) {
	b.Done()
	b.done = 0
	b.bar = progressbar.NewOptions64(max(total, 1),
		progressbar.OptionSetWriter(b.w),
		progressbar.OptionSetDescription(name),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("customers"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionFullWidth(),
		progressbar.OptionOnCompletion(func() { _, _ = io.WriteString(b.w, "\n") }),
	)
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
