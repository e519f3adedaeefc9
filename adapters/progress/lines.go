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
	unit  Unit

	name         string
	total, done  int64
	start, shown time.Time
}

func (l *lines) Phase(name string, total int64) {
	l.name, l.total, l.done = name, total, 0
	l.start = l.now()
	l.shown = l.start
	fmt.Fprintf(l.w, "%s: about %s\n", name, l.amount(total))
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
	line := fmt.Sprintf("%s: %s of about %s", l.name, l.count(l.done), l.amount(l.total))
	if elapsed <= 0 {
		return line
	}
	rate := float64(l.done) / elapsed
	line += fmt.Sprintf(", %s/s", l.amount(int64(rate)))
	if left := l.total - l.done; left > 0 && rate > 0 {
		line += fmt.Sprintf(", about %s left", (time.Duration(float64(left)/rate) * time.Second).Round(time.Second))
	}
	return line
}

func (l *lines) Done() {}

// count is n without its unit, amount with it.
func (l *lines) count(n int64) string {
	if l.unit == Bytes {
		return fmt.Sprintf("%.1f", float64(n)/(1<<20))
	}
	return fmt.Sprint(n)
}

func (l *lines) amount(n int64) string {
	if l.unit == Bytes {
		return l.count(n) + " MiB"
	}
	return fmt.Sprintf("%d customers", n)
}
