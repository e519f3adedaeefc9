package progress

import (
	"fmt"
	"io"
	"time"
)

// lines is the display of a log: a line when a pass starts, then one
// every so often with the rate and the time left.
type lines struct {
	w     io.Writer
	every time.Duration
	now   func() time.Time

	name         string
	total, done  int64
	start, shown time.Time
}

func (l *lines) Phase(name string, total int64) {
	l.name, l.total, l.done = name, total, 0
	l.start = l.now()
	l.shown = l.start
	fmt.Fprintf(l.w, "%s: about %d customers\n", name, total)
}

func (l *lines) Advanced(n int64) {
	l.done += n
	now := l.now()
	if now.Sub(l.shown) < l.every {
		return
	}
	l.shown = now
	fmt.Fprintln(l.w, l.line(now))
}

func (l *lines) line(now time.Time) string {
	elapsed := now.Sub(l.start).Seconds()
	line := fmt.Sprintf("%s: %d of about %d customers", l.name, l.done, l.total)
	if elapsed <= 0 {
		return line
	}
	rate := float64(l.done) / elapsed
	line += fmt.Sprintf(", %.0f customers/s", rate)
	if left := l.total - l.done; left > 0 && rate > 0 {
		line += fmt.Sprintf(", about %s left", (time.Duration(float64(left)/rate) * time.Second).Round(time.Second))
	}
	return line
}

func (l *lines) Done() {}
