package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// The targets the issue sets; the output says how each run compares, it
// never fails on them: a benchmark is not a test.
const (
	targetP50Ratio        = 1.3      // service p50 / raw p50 at the lowest concurrency, at most
	targetThroughputRatio = 0.8      // service / raw throughput at the highest, at least
	targetPeakRSS         = 64 << 20 // bytes, at the highest concurrency
)

// fewSamples is the count of successful updates below which a run's p99
// deserves a warning.
const fewSamples = 100

// databaseBoundP50 is a raw p50 (ms) beyond which the database hides the
// service: on loopback a healthy MongoDB answers such an update in about
// a millisecond.
const databaseBoundP50 = 10.0

type runKey struct {
	level  int
	target string
}

type report struct {
	opts      config
	date      time.Time
	database  string
	gated     bool
	customers int
	samples   map[runKey][]sample

	peakRSS         int64 // during the highest-concurrency service runs
	peakRSSReset    bool
	lifetimePeakRSS int64
	accessLog       accessLog
	goBench         *goBenchSummary
}

func newReport(o config, db *database, customers int) *report {
	return &report{
		opts: o, date: time.Now().UTC(), database: db.label, gated: db.gated,
		customers: customers, samples: map[runKey][]sample{},
	}
}

func (r *report) add(level int, target string, s sample) {
	k := runKey{level, target}
	r.samples[k] = append(r.samples[k], s)
}

func (r *report) notePeakRSS(bytes int64, reset bool) {
	r.peakRSS = max(r.peakRSS, bytes)
	r.peakRSSReset = reset
}

// levelRatio is service/raw at one concurrency.
type levelRatio struct {
	Level      int      `json:"concurrency"`
	P50        *float64 `json:"p50"`
	P99        *float64 `json:"p99"`
	Throughput *float64 `json:"throughput"`
}

// target is one of the goals and where this run stands.
type targetCheck struct {
	Goal  string   `json:"goal"`
	Value *float64 `json:"value"`
	Met   bool     `json:"met"`
}

// results is the machine-readable output, update.json.
type results struct {
	Date            string          `json:"date"`
	Database        string          `json:"database"`
	WriteGate       string          `json:"write_gate"`
	Cores           int             `json:"cores"`
	GOMAXPROCS      int             `json:"gomaxprocs"`
	Platform        string          `json:"platform"`
	Customers       int             `json:"customers"`
	Warmup          string          `json:"warmup_per_run"`
	Duration        string          `json:"measured_per_run"`
	Rounds          int             `json:"rounds"`
	Runs            []runResult     `json:"runs"`
	Ratios          []levelRatio    `json:"service_over_raw"`
	PeakRSS         int64           `json:"service_peak_rss_bytes"`
	PeakRSSScope    string          `json:"service_peak_rss_scope"`
	LifetimePeakRSS int64           `json:"service_lifetime_peak_rss_bytes"`
	AccessLogLines  int             `json:"service_access_log_lines"`
	GoBench         *goBenchSummary `json:"go_benchmarks,omitempty"`
	Targets         []targetCheck   `json:"targets"`
}

func (r *report) results() results {
	res := results{
		Date:            r.date.Format(time.RFC3339),
		Database:        r.database,
		WriteGate:       r.gateText(),
		Cores:           runtime.NumCPU(),
		GOMAXPROCS:      runtime.GOMAXPROCS(0),
		Platform:        runtime.GOOS + "/" + runtime.GOARCH + ", " + runtime.Version(),
		Customers:       r.customers,
		Warmup:          r.opts.warmup.String(),
		Duration:        r.opts.duration.String(),
		Rounds:          r.opts.rounds,
		PeakRSS:         r.peakRSS,
		PeakRSSScope:    r.peakScope(),
		LifetimePeakRSS: r.lifetimePeakRSS,
		AccessLogLines:  r.accessLog.lines,
		GoBench:         r.goBench,
	}
	for _, level := range r.opts.levels {
		raw := summarise(level, "raw driver", r.samples[runKey{level, "raw driver"}])
		svc := summarise(level, "service", r.samples[runKey{level, "service"}])
		var inService []time.Duration
		for _, s := range r.samples[runKey{level, "service"}] {
			inService = append(inService, r.accessLog.within(s.from, s.to)...)
		}
		if len(inService) > 0 {
			slices.Sort(inService)
			svc.ServerP50ms, svc.ServerP99ms = ms(percentile(inService, 0.50)), ms(percentile(inService, 0.99))
		}
		res.Runs = append(res.Runs, raw, svc)
		rt := levelRatio{Level: level}
		// Without a success on both sides there is nothing to compare.
		if svc.Requests > svc.Errors && raw.Requests > raw.Errors {
			rt.P50 = finite(ratio(svc.P50ms, raw.P50ms))
			rt.P99 = finite(ratio(svc.P99ms, raw.P99ms))
			rt.Throughput = finite(ratio(svc.Throughput, raw.Throughput))
		}
		res.Ratios = append(res.Ratios, rt)
	}
	low, high := res.Ratios[0], res.Ratios[len(res.Ratios)-1]
	for _, rt := range res.Ratios {
		if rt.Level < low.Level {
			low = rt
		}
		if rt.Level > high.Level {
			high = rt
		}
	}
	check := func(goal string, v *float64, met func(float64) bool) {
		res.Targets = append(res.Targets, targetCheck{Goal: goal, Value: v, Met: v != nil && met(*v)})
	}
	check(fmt.Sprintf("p50 service/raw at concurrency %d <= %.1f", low.Level, targetP50Ratio), low.P50,
		func(v float64) bool { return v <= targetP50Ratio })
	check(fmt.Sprintf("throughput service/raw at concurrency %d >= %.1f", high.Level, targetThroughputRatio), high.Throughput,
		func(v float64) bool { return v >= targetThroughputRatio })
	var rss *float64
	if r.peakRSS > 0 {
		rss = finite(float64(r.peakRSS) / (1 << 20))
	}
	check(fmt.Sprintf("service peak RSS at concurrency %d <= %d MiB", high.Level, targetPeakRSS>>20), rss,
		func(v float64) bool { return v <= targetPeakRSS>>20 })
	return res
}

func (r *report) gateText() string {
	switch {
	case r.gated:
		return "service and raw driver both write through the embedded store's write gate (one write at a time)"
	case r.opts.writeGate:
		return "service and raw driver both write through the server's write gate (one write at a time, as test/mongoserver serves)"
	}
	return "none: service and raw driver both talk to the server directly"
}

func (r *report) peakScope() string {
	if r.peakRSSReset {
		return fmt.Sprintf("during the concurrency-%d service runs", maxLevel(r.opts.levels))
	}
	return "since the service started (the kernel did not reset the peak)"
}

func (r *report) print(w io.Writer) {
	res := r.results()
	fmt.Fprintf(w, "\ncustomer.update, %s, %d cores (GOMAXPROCS %d), %s\n", res.Date, res.Cores, res.GOMAXPROCS, res.Platform)
	fmt.Fprintf(w, "database: %s\nwrite gate: %s\n", res.Database, res.WriteGate)
	fmt.Fprintf(w, "%d customers; per run %s warm-up + %s measured, %d rounds interleaved\n\n",
		res.Customers, res.Warmup, res.Duration, res.Rounds)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "concurrency\ttarget\trequests\terrors\tupdates/s\tp50 ms\tp99 ms\tin service p50/p99 ms\tservice CPU µs/op (cores)\tclient CPU µs/op\t")
	for _, run := range res.Runs {
		inside, cpu, client := "", "", ""
		if run.ServerP50ms > 0 {
			inside = fmt.Sprintf("%.2f / %.2f", run.ServerP50ms, run.ServerP99ms)
		}
		if run.CPUPerOpUs > 0 {
			cpu = fmt.Sprintf("%.0f (%.2f)", run.CPUPerOpUs, run.CPUCores)
		}
		if run.ClientCPUPerOpUs > 0 {
			client = fmt.Sprintf("%.0f", run.ClientCPUPerOpUs)
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\t%.2f\t%.2f\t%s\t%s\t%s\t\n",
			run.Level, run.Target, run.Requests, run.Errors, fmtThroughput(run.Throughput), run.P50ms, run.P99ms, inside, cpu, client)
	}
	_ = tw.Flush()
	for _, run := range res.Runs {
		for _, kind := range slices.Sorted(maps.Keys(run.ErrorKinds)) {
			fmt.Fprintf(w, "  errors, %s at %d: %d × %s\n", run.Target, run.Level, run.ErrorKinds[kind], kind)
		}
	}
	var few []string
	for _, run := range res.Runs {
		if n := run.Requests - run.Errors; n < fewSamples {
			few = append(few, fmt.Sprintf("%s at %d (%d)", run.Target, run.Level, n))
		}
	}
	if len(few) > 0 {
		fmt.Fprintf(w, "  note: fewer than %d successful updates, so p99 is little more than the maximum: %s\n",
			fewSamples, strings.Join(few, ", "))
	}

	if first := res.Runs[0]; first.P50ms > databaseBoundP50 {
		fmt.Fprintf(w, "  note: the database alone takes %.0f ms per update at concurrency %d; against that the service's\n"+
			"  own cost cannot be seen, and the ratios below say little about it (see the Go benchmarks)\n",
			first.P50ms, first.Level)
	}

	fmt.Fprintln(w, "\nservice / raw driver (latency: lower is better, 1 = no overhead; throughput: higher is better)")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "concurrency\tp50\tp99\tthroughput\t")
	for _, rt := range res.Ratios {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t\n", rt.Level, fmtRatio(rt.P50), fmtRatio(rt.P99), fmtRatio(rt.Throughput))
	}
	_ = tw.Flush()

	fmt.Fprintf(w, "\nservice peak RSS %s: %s (since start: %s); access log lines written: %d\n",
		res.PeakRSSScope, fmtBytes(res.PeakRSS), fmtBytes(res.LifetimePeakRSS), res.AccessLogLines)

	if gb := res.GoBench; gb != nil {
		fmt.Fprintf(w, "\nHTTP path of customer.update without a database (go test -bench BenchmarkUpdatePath, median of %d)\n", gb.Service.Runs)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "\tns/op\tB/op\tallocs/op\t")
		for _, row := range []struct {
			name string
			f    goBenchFigures
		}{{"service (full path, fake repository)", gb.Service}, {"bare Gin (decode + encode)", gb.BareGin}} {
			fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.0f\t\n", row.name, row.f.NsPerOp, row.f.BytesPerOp, row.f.AllocsPerOp)
		}
		fmt.Fprintf(tw, "ratio\t%.2f\t%.2f\t%.2f\t\n", gb.nsRatio(),
			ratio(gb.Service.BytesPerOp, gb.BareGin.BytesPerOp), ratio(gb.Service.AllocsPerOp, gb.BareGin.AllocsPerOp))
		_ = tw.Flush()
	}

	fmt.Fprintln(w, "\ntargets")
	for _, t := range res.Targets {
		state := "MISSED"
		if t.Met {
			state = "met"
		}
		value := "n/a"
		if t.Value != nil {
			value = fmt.Sprintf("%.2f", *t.Value)
		}
		fmt.Fprintf(w, "  %-52s %8s  %s\n", t.Goal, value, state)
	}
}

// write saves update.json and update.svg into dir.
func (r *report) write(dir string, w io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	res := r.results()
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	jsonPath := filepath.Join(dir, "update.json")
	if err := os.WriteFile(jsonPath, append(b, '\n'), 0o644); err != nil {
		return err
	}
	svgPath := filepath.Join(dir, "update.svg")
	if err := writeChart(svgPath, res); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nwrote %s and %s\n", jsonPath, svgPath)
	return nil
}

// finite keeps NaN and infinities, which JSON cannot hold, out as null.
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func fmtRatio(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.2f×", *v)
}

// fmtThroughput keeps a digit after the point for the slow stores.
func fmtThroughput(v float64) string {
	if v < 10 {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

func fmtBytes(n int64) string {
	if n <= 0 {
		return "unknown"
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.1f", float64(n)/(1<<20)), "0"), ".") + " MiB"
}

// replot draws the chart of an earlier run again.
func replot(resultsPath, dir string) error {
	b, err := os.ReadFile(resultsPath)
	if err != nil {
		return err
	}
	var res results
	if err := json.Unmarshal(b, &res); err != nil {
		return fmt.Errorf("%s: %w", resultsPath, err)
	}
	return writeChart(filepath.Join(dir, "update.svg"), res)
}
