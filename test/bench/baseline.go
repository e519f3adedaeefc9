package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"text/tabwriter"
	"time"

	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// The baseline holds the service's customer.update on the embedded store
// to the bare target (bare.go) doing the same transaction on the same
// data. At the largest size the growth benchmark reached, the two take
// turns on its data directory, in alternating order from round to round;
// each is started for its turn and stopped after it, so that it has the
// store alone (neither's checkpointer nor idle connections weigh on the
// other). Each turn times customer.update from one client, then from the
// growth benchmark's concurrent clients, drawing renames from one
// workload, so that both make the same kind of writes to the same
// customers.

// The targets for the service against the bare target; the output says
// how a run compares, it never fails on them.
const (
	targetBareP50Ratio        = 1.15 // service/bare p50 at 1 client, at most
	targetBareThroughputRatio = 0.9  // service/bare updates/s at the concurrent clients, at least
	targetServiceP99ms        = 10.0 // service p99 at the concurrent clients, ms, at most
)

// Names of the two targets, as the results call them.
const (
	serviceTarget = "service"
	bareName      = "bare net/http"
)

// baselineRound is one target's figures at one level in one round.
type baselineRound struct {
	Round      int     `json:"round"`
	Target     string  `json:"target"`
	Clients    int     `json:"clients"`
	Throughput float64 `json:"updates_per_s"`
	P50ms      float64 `json:"p50_ms"`
	P99ms      float64 `json:"p99_ms"`
	Errors     int     `json:"errors"`
}

// baselineRatios are service/bare.
type baselineRatios struct {
	P50At1            *float64 `json:"p50_1_client"`
	P99At1            *float64 `json:"p99_1_client"`
	ThroughputAtMany  *float64 `json:"updates_per_s_concurrent"`
	P99AtMany         *float64 `json:"p99_concurrent"`
	ServiceP99AtMany  *float64 `json:"service_p99_concurrent_ms"`
	ServiceCPUPerOp   *float64 `json:"service_cpu_per_update_concurrent"`
	ConcurrentClients int      `json:"concurrent_clients"`
}

// baselineReport is what baseline.json holds.
type baselineReport struct {
	Date             time.Time       `json:"date"`
	CPUs             int             `json:"cpus"`
	LoadAverageStart string          `json:"load_average_at_start"`
	LoadAverageEnd   string          `json:"load_average_at_end"`
	Customers        int             `json:"customers"`
	Bare             string          `json:"bare_target"`
	Warmup           string          `json:"warmup_per_run"`
	Measured1        string          `json:"measured_1_client"`
	MeasuredMany     string          `json:"measured_concurrent"`
	Rounds           int             `json:"rounds"`
	Runs             []runResult     `json:"runs"`
	PerRound         []baselineRound `json:"per_round"`
	Ratios           baselineRatios  `json:"service_over_bare"`
	Targets          []targetCheck   `json:"targets"`
	units            []string        // of each target's value
}

const bareDescription = "net/http, encoding/json and golang-jwt around application.UpdateCustomer over the service's sqlite.Store, opened from the same settings"

// runBaseline runs the rounds on the data directory dir, which holds
// pop, with no process on it.
func runBaseline(ctx context.Context, o config, dir string, pop *population) (*baselineReport, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	r := &baselineReport{Date: time.Now().UTC(), CPUs: runtime.NumCPU(), LoadAverageStart: loadAverage(),
		Customers: pop.size(), Bare: bareDescription, Warmup: o.opWarmup.String(),
		Measured1: o.opDuration.String(), MeasuredMany: (2 * o.opDuration).String(), Rounds: o.baselineRounds}
	w := &workload{ids: append([]string(nil), pop.ids...)}
	levels := []int{1, o.growthClients}
	samples := map[runKey][]sample{}
	logs := filepath.Dir(o.serviceLog)
	for _, name := range []string{"baseline-service.log", "baseline-bare.log"} {
		_ = os.Remove(filepath.Join(logs, name))
	}
	for round := range o.baselineRounds {
		order := []string{serviceTarget, bareName}
		if round%2 == 1 {
			order = []string{bareName, serviceTarget}
		}
		for _, name := range order {
			cmd, log := servicetest.Command(o.service), filepath.Join(logs, "baseline-service.log")
			if name == bareName {
				cmd, log = servicetest.Command(self), filepath.Join(logs, "baseline-bare.log")
				cmd.Args = append(cmd.Args, "-serve-bare")
			}
			t, err := startTarget(ctx, name, cmd, []string{"CUSTOMER_DATA_DIR=" + dir}, log, o.growthClients)
			if err != nil {
				return nil, err
			}
			for _, level := range levels {
				window := o.opDuration
				if level > 1 {
					window = 2 * o.opDuration
				}
				var cpu [2]time.Duration
				s := drive(ctx, renamer{t}, w, level, o.opWarmup, window, func(start bool) {
					if start {
						cpu[0] = t.cpuTime()
					} else {
						cpu[1] = t.cpuTime()
					}
				})
				s.serviceCPU = cpu[1] - cpu[0]
				samples[runKey{level, name}] = append(samples[runKey{level, name}], s)
				one := summarise(level, name, []sample{s})
				r.PerRound = append(r.PerRound, baselineRound{Round: round + 1, Target: name, Clients: level,
					Throughput: one.Throughput, P50ms: one.P50ms, P99ms: one.P99ms, Errors: one.Errors})
				fmt.Fprintf(os.Stderr, "baseline round %d/%d: %s, %d clients: %s updates/s, p50 %.2f ms, p99 %.2f ms\n",
					round+1, o.baselineRounds, name, level, fmtThroughput(one.Throughput), one.P50ms, one.P99ms)
			}
			t.stop()
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	r.LoadAverageEnd = loadAverage()
	for _, level := range levels {
		for _, name := range []string{serviceTarget, bareName} {
			r.Runs = append(r.Runs, summarise(level, name, samples[runKey{level, name}]))
		}
	}
	r.compare(o.growthClients)
	return r, nil
}

// compare fills in the ratios and the targets from the runs.
func (r *baselineReport) compare(clients int) {
	run := func(name string, level int) (runResult, bool) {
		for _, x := range r.Runs {
			if x.Target == name && x.Level == level {
				return x, x.Requests > x.Errors
			}
		}
		return runResult{}, false
	}
	rt := baselineRatios{ConcurrentClients: clients}
	if svc, ok := run(serviceTarget, 1); ok {
		if bare, ok := run(bareName, 1); ok {
			rt.P50At1, rt.P99At1 = finite(ratio(svc.P50ms, bare.P50ms)), finite(ratio(svc.P99ms, bare.P99ms))
		}
	}
	if svc, ok := run(serviceTarget, clients); ok {
		rt.ServiceP99AtMany = finite(svc.P99ms)
		if bare, ok := run(bareName, clients); ok {
			rt.ThroughputAtMany, rt.P99AtMany = finite(ratio(svc.Throughput, bare.Throughput)), finite(ratio(svc.P99ms, bare.P99ms))
			rt.ServiceCPUPerOp = finite(ratio(svc.CPUPerOpUs, bare.CPUPerOpUs))
		}
	}
	r.Ratios = rt
	check := func(goal, unit string, v *float64, met func(float64) bool) {
		r.Targets = append(r.Targets, targetCheck{Goal: goal, Value: v, Met: v != nil && met(*v)})
		r.units = append(r.units, unit)
	}
	check(fmt.Sprintf("p50 service/bare at 1 client <= %.2f", targetBareP50Ratio), "×", rt.P50At1,
		func(v float64) bool { return v <= targetBareP50Ratio })
	check(fmt.Sprintf("updates/s service/bare at %d clients >= %.1f", clients, targetBareThroughputRatio), "×", rt.ThroughputAtMany,
		func(v float64) bool { return v >= targetBareThroughputRatio })
	check(fmt.Sprintf("service p99 at %d clients <= %.0f ms", clients, targetServiceP99ms), " ms", rt.ServiceP99AtMany,
		func(v float64) bool { return v <= targetServiceP99ms })
}

func (r *baselineReport) print(w io.Writer) {
	fmt.Fprintf(w, "\ncustomer.update at %d customers, the service against the bare target (%s)\n", r.Customers, r.Bare)
	fmt.Fprintf(w, "%d rounds, interleaved, each target alone on the store for its turn; per run %s warm-up, %s measured at 1 client, %s at %d; load average %s at start, %s at end\n",
		r.Rounds, r.Warmup, r.Measured1, r.MeasuredMany, r.Ratios.ConcurrentClients, r.LoadAverageStart, r.LoadAverageEnd)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "clients\ttarget\tupdates\terrors\tupdates/s\tp50 ms\tp99 ms\tCPU µs/update\t")
	for _, run := range r.Runs {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\t%.2f\t%.2f\t%.0f\t\n", run.Level, run.Target, run.Requests-run.Errors, run.Errors,
			fmtThroughput(run.Throughput), run.P50ms, run.P99ms, run.CPUPerOpUs)
	}
	_ = tw.Flush()
	rt := r.Ratios
	fmt.Fprintf(w, "service/bare: p50 at 1 client %s, p99 at 1 client %s; at %d clients updates/s %s, p99 %s, CPU per update %s\n",
		fmtRatio(rt.P50At1), fmtRatio(rt.P99At1), rt.ConcurrentClients, fmtRatio(rt.ThroughputAtMany), fmtRatio(rt.P99AtMany),
		fmtRatio(rt.ServiceCPUPerOp))
	for i, t := range r.Targets {
		verdict, value := "missed", "n/a"
		if t.Met {
			verdict = "met"
		}
		if t.Value != nil {
			value = fmt.Sprintf("%.2f%s", *t.Value, r.units[i])
		}
		fmt.Fprintf(w, "  target %s: %s (%s)\n", t.Goal, verdict, value)
	}
}

// write saves the figures as baseline.json in dir.
func (r *baselineReport) write(dir string, w io.Writer) error {
	return writeReport(dir, "baseline.json", r, w)
}
