package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"text/tabwriter"
	"time"
)

// The growth targets; the output says how a run compares, it never fails
// on them: a benchmark is not a test.
const (
	targetGrowthP50        = 2.0       // p50 at the largest size / at the smallest, at most
	targetGrowthThroughput = 0.5       // concurrent updates/s at the largest / at the smallest, at least
	targetUpdateP50ms      = 5.0       // customer.update p50 at 20,000 customers
	targetUpdatesPerSecond = 2000      // customer.update at the concurrent clients, 20,000 customers
	targetGrowthPeakRSS    = 128 << 20 // bytes
	targetDeepPageRatio    = 1.5       // customer.list page 1,000 by cursor / page 1, p50, at the largest size
)

type growthReport struct {
	Date        time.Time     `json:"date"`
	LoadAverage string        `json:"load_average_at_end"`
	CPUs        int           `json:"cpus"`
	OpDuration  string        `json:"measured_per_operation"`
	Clients     int           `json:"concurrent_clients"`
	Phases      []growthPhase `json:"sizes"`
	// GoBench is the HTTP path without a store, when make bench ran it.
	GoBench *goBenchSummary `json:"go_benchmarks,omitempty"`
}

func cpus() int { return runtime.NumCPU() }

func (r growthReport) print(w io.Writer) {
	first, last := r.Phases[0], r.Phases[len(r.Phases)-1]
	fmt.Fprintf(w, "\n%s, %d CPUs, load average %s; each call timed for %s from one client\n",
		r.Date.Format(time.DateOnly), r.CPUs, r.LoadAverage, r.OpDuration)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "operation\t")
	for _, p := range r.Phases {
		fmt.Fprintf(tw, "p50 ms @%d\tp95 ms @%d\t", p.Customers, p.Customers)
	}
	fmt.Fprintf(tw, "p50 ratio\t\n")
	for _, op := range growthOps {
		fmt.Fprintf(tw, "%s\t", op)
		for _, p := range r.Phases {
			f := p.Ops[op]
			fmt.Fprintf(tw, "%.2f\t%.2f\t", f.P50ms, f.P95ms)
		}
		fmt.Fprintf(tw, "%.2f\t\n", ratio(last.Ops[op].P50ms, first.Ops[op].P50ms))
	}
	fmt.Fprintf(tw, "customer.update, %d clients\t", r.Clients)
	for _, p := range r.Phases {
		fmt.Fprintf(tw, "%.2f\t%.2f\t", p.Updates.P50ms, p.Updates.P95ms)
	}
	fmt.Fprintf(tw, "%.2f\t\n", ratio(last.Updates.P50ms, first.Updates.P50ms))
	tw.Flush()

	fmt.Fprintln(w)
	for _, p := range r.Phases {
		fmt.Fprintf(w, "%d customers: customer.update at %d clients %s/s; peak RSS %s; data directory %s; errors %v\n",
			p.Customers, r.Clients, fmtThroughput(p.Updates.Throughput), fmtBytes(p.PeakRSS), fmtBytes(p.DataBytes), p.Errors)
	}
	fmt.Fprintln(w)
	worst, worstOp := 0.0, ""
	for _, op := range growthOps {
		if g := ratio(last.Ops[op].P50ms, first.Ops[op].P50ms); g > worst {
			worst, worstOp = g, op
		}
	}
	deep, page1 := last.Ops["customer.list page 1,000 by cursor"].P50ms, last.Ops["customer.list page 1 by cursor"].P50ms
	fmt.Fprintf(w, "at %d customers: customer.list page 1,000 by cursor against page 1, p50 ratio %.2f (target at most %.1f)\n",
		last.Customers, ratio(deep, page1), targetDeepPageRatio)
	keeps := ratio(last.Updates.Throughput, first.Updates.Throughput)
	fmt.Fprintf(w, "growth from %d to %d customers: worst p50 ratio %.2f (%s; target at most %.1f); updates/s at %d clients kept %.2f (target at least %.1f)\n",
		first.Customers, last.Customers, worst, worstOp, targetGrowthP50, r.Clients, keeps, targetGrowthThroughput)
	fmt.Fprintf(w, "at %d customers: customer.update p50 %.2f ms (aim under %.0f); %s updates/s at %d clients (aim at least %d); peak RSS %s (aim at most %s)\n",
		last.Customers, last.Ops["customer.update"].P50ms, targetUpdateP50ms, fmtThroughput(last.Updates.Throughput),
		r.Clients, targetUpdatesPerSecond, fmtBytes(maxPeak(r.Phases)), fmtBytes(targetGrowthPeakRSS))
	if gb := r.GoBench; gb != nil {
		fmt.Fprintf(w, "HTTP path of customer.update over a store of one customer in memory (BenchmarkUpdatePath, median of %d): %.0f ns/op, %.0f B/op, %.0f allocs/op; a bare Gin handler %.0f ns/op (ratio %.2f)",
			gb.Service.Runs, gb.Service.NsPerOp, gb.Service.BytesPerOp, gb.Service.AllocsPerOp, gb.BareGin.NsPerOp, gb.nsRatio())
		if gb.BareGinToken.Runs > 0 {
			fmt.Fprintf(w, ", checking the same token %.0f ns/op (ratio %.2f)", gb.BareGinToken.NsPerOp, gb.nsRatioToken())
		}
		fmt.Fprintln(w)
	}
}

func maxPeak(phases []growthPhase) int64 {
	var m int64
	for _, p := range phases {
		m = max(m, p.PeakRSS)
	}
	return m
}

// write saves the figures as growth.json in dir.
func (r growthReport) write(dir string, w io.Writer) error {
	return writeReport(dir, "growth.json", r, w)
}

// writeReport saves v, indented JSON, as name in dir, and says so on w.
func writeReport(dir, name string, v any, w io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %s\n", path)
	return nil
}
