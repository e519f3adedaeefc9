package main

import (
	"math"
	"slices"
	"time"
)

// percentile is the nearest-rank percentile (0 < p <= 1) of sorted
// latencies: the smallest value at least p of them do not exceed.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// runResult is one (level, target) pair over all rounds.
type runResult struct {
	Level      int            `json:"concurrency"`
	Target     string         `json:"target"`
	Requests   int            `json:"requests"`
	Errors     int            `json:"errors"`
	Throughput float64        `json:"throughput_per_s"`
	P50ms      float64        `json:"p50_ms"`
	P99ms      float64        `json:"p99_ms"`
	ErrorKinds map[string]int `json:"error_kinds,omitempty"`
	// The service process's CPU time during the window (service rows
	// only): per successful update in microseconds, and in cores busy.
	CPUPerOpUs float64 `json:"service_cpu_per_op_us,omitempty"`
	CPUCores   float64 `json:"service_cpu_cores,omitempty"`
	// ServerP50ms and ServerP99ms are the service's own view of the same
	// updates, from its access log: the time from reading the request to
	// writing the answer, its database call included (service rows only).
	ServerP50ms float64 `json:"in_service_p50_ms,omitempty"`
	ServerP99ms float64 `json:"in_service_p99_ms,omitempty"`
	// ClientCPUPerOpUs is the load generator's CPU time per successful
	// update (HTTP client or driver, and the bookkeeping), when the
	// database does not run inside it.
	ClientCPUPerOpUs float64 `json:"client_cpu_per_op_us,omitempty"`
}

// summarise turns the samples of every round of one pair into its result:
// throughput is successful updates over the summed measured time.
func summarise(level int, name string, samples []sample) runResult {
	r := runResult{Level: level, Target: name, ErrorKinds: map[string]int{}}
	var lat []time.Duration
	var window, cpu, client time.Duration
	for _, s := range samples {
		lat = append(lat, s.latencies...)
		r.Errors += s.errors
		for k, n := range s.errorKind {
			r.ErrorKinds[k] += n
		}
		window += s.window
		cpu += s.serviceCPU
		client += s.clientCPU
	}
	slices.Sort(lat)
	r.Requests = len(lat) + r.Errors
	if window > 0 {
		r.Throughput = float64(len(lat)) / window.Seconds()
	}
	r.P50ms = ms(percentile(lat, 0.50))
	r.P99ms = ms(percentile(lat, 0.99))
	if cpu > 0 && len(lat) > 0 {
		r.CPUPerOpUs = float64(cpu.Microseconds()) / float64(len(lat))
	}
	if client > 0 && len(lat) > 0 {
		r.ClientCPUPerOpUs = float64(client.Microseconds()) / float64(len(lat))
	}
	if cpu > 0 && window > 0 {
		r.CPUCores = cpu.Seconds() / window.Seconds()
	}
	return r
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// ratio is a/b, or NaN when b is zero (nothing to compare with).
func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}
