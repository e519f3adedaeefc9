package workload

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Tally counts the outcomes of calls made from many goroutines, and
// keeps their latencies.
type Tally struct {
	mu        sync.Mutex
	outcomes  map[string]int
	serverErr int
	noAnswer  int
	latencies []time.Duration
}

// Add counts r.
func (t *Tally) Add(r Result) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.outcomes == nil {
		t.outcomes = map[string]int{}
	}
	t.outcomes[r.Outcome()]++
	switch {
	case r.Status == 0:
		t.noAnswer++
	case r.Status >= 500:
		t.serverErr++
	}
	t.latencies = append(t.latencies, r.Latency)
}

// Total is the number of calls counted.
func (t *Tally) Total() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.latencies)
}

// Count is the number of calls whose Result.Outcome was outcome.
func (t *Tally) Count(outcome string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.outcomes[outcome]
}

// ServerErrors is the number of 5xx answers.
func (t *Tally) ServerErrors() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.serverErr
}

// NoAnswer is the number of calls that got no answer at all.
func (t *Tally) NoAnswer() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.noAnswer
}

// Percentile is the latency below which a fraction p (0 to 1) of the calls
// answered; 1 gives the slowest.
func (t *Tally) Percentile(p float64) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.latencies) == 0 {
		return 0
	}
	sorted := slices.Clone(t.latencies)
	slices.Sort(sorted)
	i := int(p*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// String is the figures in one line: "412 calls, p50 12ms, max 2.01s:
// 200 ×300, 503 database_unavailable ×112".
func (t *Tally) String() string {
	total, p50, slowest := t.Total(), t.Percentile(0.5), t.Percentile(1)
	t.mu.Lock()
	defer t.mu.Unlock()
	names := make([]string, 0, len(t.outcomes))
	for name := range t.outcomes {
		names = append(names, name)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = fmt.Sprintf("%s ×%d", name, t.outcomes[name])
	}
	return fmt.Sprintf("%d calls, p50 %s, max %s: %s", total,
		p50.Round(time.Millisecond), slowest.Round(time.Millisecond), strings.Join(parts, ", "))
}
