// Command bench measures the service as its users meet it. It runs one of
// two benchmarks:
//
// -bench growth (the default) holds the embedded default store to a flat
// cost: see growth.go.
//
// -bench update holds customer.update against a MongoDB database's own
// limit. It seeds a data set, starts the built service as a separate process
// pointed at a database, and drives customer.update over HTTP on loopback
// at each concurrency level. Against the same database, in the same run,
// interleaved with the service, it does the database work of one update
// itself with the official driver and nothing else: that is the limit the
// service is measured against. It prints a table, the service/limit
// ratios and the service's peak memory, and writes a JSON results file and
// an SVG chart.
//
// The database is CUSTOMER_MONGODB_URI when set; otherwise the MongoDB
// stand-in (test/mongoserver: FerretDB on SQLite behind its write gate),
// started as a process, which the service reaches over loopback like any
// other server.
//
//	go run ./test/bench -service bin/customer-service [flags]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// config is the command's flags.
type config struct {
	bench      string
	service    string
	serviceLog string
	database   string
	dbLabel    string
	writeGate  bool
	customers  int
	levels     []int
	warmup     time.Duration
	duration   time.Duration
	rounds     int
	timeout    time.Duration
	outDir     string
	goBench    string
	replot     string

	sizes          []int
	growthClients  int
	baselineRounds int
	serveBare      bool
	opWarmup       time.Duration
	opDuration     time.Duration
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := parseConfig(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err == nil {
		err = run(ctx, cfg, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseConfig(args []string, stderr io.Writer) (config, error) {
	var o config
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.bench, "bench", "growth", "growth (the embedded store from one size to the next) or update (customer.update against the raw driver on MongoDB)")
	sizes := fs.String("sizes", "200,20000", "growth: customer counts to measure at, in increasing order")
	fs.IntVar(&o.growthClients, "clients", 8, "growth: concurrent clients creating customers and updating them")
	fs.IntVar(&o.baselineRounds, "baseline-rounds", 3, "growth: rounds of customer.update against the bare net/http target at the largest size (0: none)")
	fs.BoolVar(&o.serveBare, "serve-bare", false, "serve customer.update as the bare target does, on the store the CUSTOMER_* settings name (the benchmark runs itself so)")
	fs.DurationVar(&o.opWarmup, "op-warmup", time.Second, "growth: unmeasured calls before each measured run")
	fs.DurationVar(&o.opDuration, "op-duration", 5*time.Second, "growth: measured time of each kind of call at each size")
	fs.StringVar(&o.service, "service", "bin/customer-service", "the service binary to start")
	fs.StringVar(&o.serviceLog, "service-log", "bin/bench/service.log", "where the service's logs (access log included) go")
	fs.StringVar(&o.database, "database", "customer_bench", "database to seed; dropped before and after the run")
	fs.StringVar(&o.dbLabel, "db-label", "", "how to name the database in the output (default: what the server reports)")
	fs.BoolVar(&o.writeGate, "write-gate", false, "the server at CUSTOMER_MONGODB_URI admits one write command at a time, as test/mongoserver does (said in the output)")
	fs.IntVar(&o.customers, "customers", 10000, "customers to seed")
	levels := fs.String("levels", "1,8,64", "concurrency levels, comma-separated")
	fs.DurationVar(&o.warmup, "warmup", 3*time.Second, "unmeasured load before each measured run")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "measured time of each run")
	fs.IntVar(&o.rounds, "rounds", 2, "times each (level, target) run is repeated, interleaved")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Second, "per-operation timeout of the raw driver (the service's default request timeout)")
	fs.StringVar(&o.outDir, "out", "docs/bench", "directory for growth.json, or update.json and update.svg (empty: write none)")
	fs.StringVar(&o.goBench, "gobench", "", "file holding the output of go test -bench=BenchmarkUpdatePath -benchmem, to summarise")
	fs.StringVar(&o.replot, "replot", "", "only redraw update.svg in -out from this update.json, running nothing")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if o.levels, err = parseLevels(*levels); err != nil {
		return o, err
	}
	if o.sizes, err = parseLevels(*sizes); err != nil || !slices.IsSorted(o.sizes) {
		return o, fmt.Errorf("-sizes: %q must be positive counts in increasing order", *sizes)
	}
	if o.bench != "growth" && o.bench != "update" {
		return o, fmt.Errorf("-bench: %q is neither growth nor update", o.bench)
	}
	if o.growthClients < 1 || o.opDuration <= 0 || o.opWarmup < 0 || o.baselineRounds < 0 {
		return o, errors.New("-clients must be at least 1, -op-duration positive, -baseline-rounds not negative")
	}
	if o.customers < 1 || o.rounds < 1 || o.duration <= 0 || o.warmup < 0 || o.timeout <= 0 {
		return o, errors.New("-customers and -rounds must be at least 1, -duration and -timeout positive")
	}
	return o, nil
}

func parseLevels(s string) ([]int, error) {
	var levels []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-levels: %q is not a positive integer", f)
		}
		levels = append(levels, n)
	}
	return levels, nil
}

func run(ctx context.Context, o config, stdout io.Writer) error {
	if o.serveBare {
		return serveBare(ctx, os.Environ())
	}
	if o.replot != "" {
		return replot(o.replot, o.outDir)
	}
	if _, err := os.Stat(o.service); err != nil {
		return fmt.Errorf("service binary: %w (run make build first)", err)
	}
	if o.bench == "growth" {
		return runGrowth(ctx, o, stdout)
	}
	var gb *goBenchSummary
	if o.goBench != "" {
		s, err := readGoBench(o.goBench)
		if err != nil {
			return err
		}
		gb = &s
	}

	db, err := openDatabase(ctx, os.Getenv("CUSTOMER_MONGODB_URI"), o)
	if err != nil {
		return err
	}
	defer db.close()
	fmt.Fprintf(stdout, "database: %s\n", db.label)

	started := time.Now()
	data, err := seed(ctx, db.client.Database(o.database), o.customers)
	if err != nil {
		return err
	}
	defer dropDatabase(db.client.Database(o.database))
	fmt.Fprintf(stdout, "seeded %d customers (%d addresses, %d tags) in %s\n",
		len(data.ids), data.addresses, data.tags, time.Since(started).Round(time.Millisecond))

	if err := os.MkdirAll(filepath.Dir(o.serviceLog), 0o755); err != nil {
		return err
	}
	_ = os.Remove(o.serviceLog)
	svc, err := startService(ctx, o.service,
		[]string{"CUSTOMER_MONGODB_URI=" + db.uri, "CUSTOMER_MONGODB_DATABASE=" + o.database}, o.serviceLog, maxLevel(o.levels))
	if err != nil {
		return err
	}
	defer svc.stop()

	report := newReport(o, db, len(data.ids))
	raw := newRawTarget(db.client.Database(o.database))
	for round := range o.rounds {
		for _, level := range o.levels {
			targets := []target{raw, svc}
			if round%2 == 1 {
				// Alternate which goes first, so neither always runs on
				// the database the other has just warmed or loaded.
				targets = []target{svc, raw}
			}
			for _, t := range targets {
				if err := ctx.Err(); err != nil {
					return err
				}
				peakOfThisRun := t == target(svc) && level == maxLevel(o.levels)
				if peakOfThisRun {
					svc.resetPeakRSS()
				}
				fmt.Fprintf(os.Stderr, "round %d/%d: %s at concurrency %d\n", round+1, o.rounds, t.name(), level)
				var cpu, own [2]time.Duration
				s := drive(ctx, t, data, level, o.warmup, o.duration, func(start bool) {
					i := 1
					if start {
						i = 0
					}
					cpu[i], own[i] = svc.cpuTime(), selfCPUTime()
				})
				if t == target(svc) {
					s.serviceCPU = cpu[1] - cpu[0]
				}
				if !db.gated {
					// With the embedded store, the database runs in this
					// process too and its CPU would be counted.
					s.clientCPU = own[1] - own[0]
				}
				report.add(level, t.name(), s)
				if peakOfThisRun {
					report.notePeakRSS(svc.peakRSS(), svc.peakReset)
				}
			}
		}
	}
	report.lifetimePeakRSS = svc.peakRSS()
	report.accessLog = svc.stop()
	if svc.logErr != nil {
		fmt.Fprintln(os.Stderr, "bench: reading the service's access log:", svc.logErr)
	}
	report.goBench = gb
	report.print(stdout)
	if o.outDir == "" {
		return nil
	}
	return report.write(o.outDir, stdout)
}

func maxLevel(levels []int) int {
	m := levels[0]
	for _, l := range levels {
		m = max(m, l)
	}
	return m
}
