package main

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// target is one way of doing customer.update: through the service, or
// the same database work done directly.
type target interface {
	name() string
	// update makes change to customer id; worker is the caller's index
	// below the concurrency, for per-worker state.
	update(ctx context.Context, worker int, id string, ch change) error
}

// sample is what one measured run observed.
type sample struct {
	from, to  time.Time // the measured window
	window    time.Duration
	latencies []time.Duration // of the successful operations
	errors    int
	errorKind map[string]int
	// serviceCPU is the CPU time the service process used during the
	// window (zero for the raw driver, whose server work is elsewhere);
	// clientCPU is this process's, the load generator's and the driver's.
	serviceCPU, clientCPU time.Duration
}

// drive runs level workers against t, each doing one update after another
// with no pause (a closed loop, as a pool of busy clients), for warmup
// and then for the measured window. An operation counts if it ends inside
// the window, so the window's throughput is what the target delivered
// then, whatever the latency. atWindow runs at the window's start and end.
func drive(ctx context.Context, t target, w *workload, level int, warmup, window time.Duration, atWindow func(start bool)) sample {
	var (
		mu        sync.Mutex
		s         = sample{errorKind: map[string]int{}}
		wg        sync.WaitGroup
		start     = time.Now()
		openAt    = start.Add(warmup)
		closeAt   = openAt.Add(window)
		windowRan = make(chan struct{})
	)
	go func() {
		defer close(windowRan)
		if !sleepUntil(ctx, openAt) {
			return
		}
		if atWindow != nil {
			atWindow(true)
		}
		if !sleepUntil(ctx, closeAt) {
			return
		}
		if atWindow != nil {
			atWindow(false)
		}
	}()
	for worker := range level {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(level), uint64(worker)))
			lat := make([]time.Duration, 0, 4096)
			errs := map[string]int{}
			for ctx.Err() == nil {
				id, ch := w.next(rng)
				t0 := time.Now()
				err := t.update(ctx, worker, id, ch)
				t1 := time.Now()
				if t1.After(closeAt) {
					break
				}
				if t1.Before(openAt) {
					continue
				}
				if err != nil {
					errs[errorKind(err)]++
					continue
				}
				lat = append(lat, t1.Sub(t0))
			}
			mu.Lock()
			defer mu.Unlock()
			s.latencies = append(s.latencies, lat...)
			for k, n := range errs {
				s.errorKind[k] += n
				s.errors += n
			}
		}()
	}
	wg.Wait()
	<-windowRan
	s.from, s.to, s.window = openAt, closeAt, window
	return s
}

// sleepUntil reports false when ctx ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
