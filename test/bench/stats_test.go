package main

import (
	"math"
	"testing"
	"time"
)

func TestPercentile_IsTheNearestRankOfSortedLatencies(t *testing.T) {
	ten := []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"no samples", nil, 0.5, 0},
		{"one sample", []time.Duration{7}, 0.99, 7},
		{"median of ten", ten, 0.50, 5},
		{"p99 of ten is the largest", ten, 0.99, 10},
		{"p10 of ten", ten, 0.10, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tt.sorted, tt.p, got, tt.want)
			}
		})
	}
}

func TestSummarise_MergesRoundsAndCountsOnlySuccessesInThroughput(t *testing.T) {
	samples := []sample{
		{window: time.Second, latencies: []time.Duration{3 * time.Millisecond, time.Millisecond}, errors: 1,
			errorKind: map[string]int{"HTTP 503 database_unavailable": 1}, serviceCPU: 20 * time.Millisecond},
		{window: time.Second, latencies: []time.Duration{2 * time.Millisecond, 4 * time.Millisecond}},
	}
	r := summarise(8, "service", samples)
	if r.Requests != 5 || r.Errors != 1 || r.ErrorKinds["HTTP 503 database_unavailable"] != 1 {
		t.Errorf("requests %d errors %d kinds %v, want 5, 1, one 503", r.Requests, r.Errors, r.ErrorKinds)
	}
	if r.Throughput != 2 {
		t.Errorf("throughput %v, want 4 successes over 2 s = 2/s", r.Throughput)
	}
	if r.P50ms != 2 || r.P99ms != 4 {
		t.Errorf("p50 %v p99 %v, want 2 and 4 ms over both rounds", r.P50ms, r.P99ms)
	}
	if r.CPUPerOpUs != 5000 || r.CPUCores != 0.01 {
		t.Errorf("CPU %v µs/op on %v cores, want 5000 and 0.01", r.CPUPerOpUs, r.CPUCores)
	}
}

func TestRatio_IsNaNWithNothingToCompareWith(t *testing.T) {
	if got := ratio(3, 0); !math.IsNaN(got) {
		t.Errorf("ratio(3, 0) = %v, want NaN", got)
	}
	if finite(ratio(3, 0)) != nil {
		t.Error("finite(NaN) is not nil, JSON could not hold it")
	}
	if got := *finite(ratio(3, 2)); got != 1.5 {
		t.Errorf("ratio(3, 2) = %v", got)
	}
}
