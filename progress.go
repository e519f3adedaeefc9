package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progressEvery is how often a copy that runs for seconds says how far
// it is when its output is no terminal (a log, a pipe).
const progressEvery = 5 * time.Second

// progress shows how far a copy is: a bar with its rate and time left on
// a terminal, else a line every progressEvery.
type progress struct {
	w       io.Writer
	command string
	bar     *progressbar.ProgressBar // nil when w is no terminal
	last    time.Time
}

func newProgress(w io.Writer, command string) *progress {
	p := &progress{w: w, command: command, last: time.Now()}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions64(-1, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("copying"),
			progressbar.OptionShowBytes(true), progressbar.OptionShowTotalBytes(true), progressbar.OptionUseIECUnits(true),
			progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }))
	}
	return p
}

// copied is called as the copy goes.
func (p *progress) copied(done, total int64) {
	if p.bar != nil {
		if p.bar.GetMax64() != total {
			p.bar.ChangeMax64(total)
		}
		_ = p.bar.Set64(done)
		return
	}
	if time.Since(p.last) >= progressEvery {
		p.last = time.Now()
		fmt.Fprintf(p.w, "customer-service %s: copied %s of %s (%d%%)\n", p.command, mib(done), mib(total), done*100/max(total, 1))
	}
}

// now says what the command does next, once the copy is made.
func (p *progress) now(what string) {
	if p.bar != nil && !p.bar.IsFinished() {
		_ = p.bar.Finish()
	}
	fmt.Fprintf(p.w, "customer-service %s: %s\n", p.command, what)
}

// mib is a size for people.
func mib(bytes int64) string { return fmt.Sprintf("%.1f MiB", float64(bytes)/(1<<20)) }
