package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func baselineRuns(serviceP50, serviceThroughput, serviceP99 float64, bareSucceeded bool) *baselineReport {
	r := &baselineReport{Runs: []runResult{
		{Level: 1, Target: serviceTarget, Requests: 1000, P50ms: serviceP50, P99ms: 2},
		{Level: 8, Target: serviceTarget, Requests: 5000, Throughput: serviceThroughput, P99ms: serviceP99, CPUPerOpUs: 300},
		{Level: 1, Target: bareName, Requests: 1000, P50ms: 0.4, P99ms: 1},
		{Level: 8, Target: bareName, Requests: 5000, Throughput: 2000, P99ms: 5, CPUPerOpUs: 200},
	}}
	if !bareSucceeded {
		for i := range r.Runs {
			if r.Runs[i].Target == bareName {
				r.Runs[i].Errors = r.Runs[i].Requests
			}
		}
	}
	r.compare(8)
	return r
}

func TestBaseline_ComparesTheServiceWithTheBareTargetAgainstTheTargets(t *testing.T) {
	r := baselineRuns(0.44, 1900, 8, true)
	if got := *r.Ratios.P50At1; got < 1.09 || got > 1.11 {
		t.Errorf("p50 ratio at 1 client %v, want 1.1", got)
	}
	if got := *r.Ratios.ThroughputAtMany; got != 0.95 {
		t.Errorf("updates/s ratio at 8 clients %v, want 0.95", got)
	}
	if got := *r.Ratios.P99AtMany; got != 1.6 {
		t.Errorf("p99 ratio at 8 clients %v, want 1.6", got)
	}
	for _, target := range r.Targets {
		if !target.Met {
			t.Errorf("target %q not met at %v", target.Goal, *target.Value)
		}
	}
	var out bytes.Buffer
	r.print(&out)
	if !strings.Contains(out.String(), "service p99 at 8 clients <= 10 ms: met (8.00 ms)") {
		t.Errorf("output does not say the p99 target was met in ms:\n%s", out.String())
	}

	r = baselineRuns(0.6, 1500, 12, true)
	for _, target := range r.Targets {
		if target.Met {
			t.Errorf("target %q met at %v", target.Goal, *target.Value)
		}
	}
}

// Without a successful update of the bare target there is no ratio, and
// the results still encode (NaN would not).
func TestBaseline_ComparesNothingWhereTheBareTargetNeverSucceeded(t *testing.T) {
	r := baselineRuns(0.44, 1900, 8, false)
	if r.Ratios.P50At1 != nil || r.Ratios.ThroughputAtMany != nil {
		t.Errorf("ratios %+v, want none", r.Ratios)
	}
	if r.Targets[0].Met || r.Targets[1].Met || !r.Targets[2].Met {
		t.Errorf("targets %+v: want the ratios unmet and the service's own p99 judged", r.Targets)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Fatal(err)
	}
}
