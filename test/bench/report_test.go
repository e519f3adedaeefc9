package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func benchReport(svcLatency time.Duration, svcErrors int) *report {
	o := config{levels: []int{1, 64}, duration: time.Second, rounds: 1}
	r := newReport(o, &database{label: "test"}, 10)
	ok := func(d time.Duration, n int) sample {
		lat := make([]time.Duration, n)
		for i := range lat {
			lat[i] = d
		}
		return sample{window: time.Second, latencies: lat, errorKind: map[string]int{}}
	}
	r.add(1, "raw driver", ok(time.Millisecond, 100))
	r.add(64, "raw driver", ok(10*time.Millisecond, 1000))
	r.add(1, "service", ok(svcLatency, 90))
	failed := ok(0, 0)
	failed.errors, failed.errorKind["timed out"] = svcErrors, svcErrors
	if svcErrors == 0 {
		failed = ok(11*time.Millisecond, 900)
	}
	r.add(64, "service", failed)
	r.notePeakRSS(50<<20, true)
	return r
}

func TestReport_ComparesServiceWithRawAtEachLevelAgainstTheTargets(t *testing.T) {
	res := benchReport(1200*time.Microsecond, 0).results()
	if got := *res.Ratios[0].P50; got < 1.19 || got > 1.21 {
		t.Errorf("p50 ratio at 1 = %v, want 1.2", got)
	}
	if got := *res.Ratios[1].Throughput; got != 0.9 {
		t.Errorf("throughput ratio at 64 = %v, want 0.9", got)
	}
	for _, target := range res.Targets {
		if !target.Met {
			t.Errorf("target %q not met at %v", target.Goal, *target.Value)
		}
	}

	res = benchReport(2*time.Millisecond, 0).results()
	if res.Targets[0].Met {
		t.Errorf("p50 twice the raw one met %q", res.Targets[0].Goal)
	}
}

func TestReport_ComparesNothingWhereTheServiceNeverSucceeded(t *testing.T) {
	r := benchReport(time.Millisecond, 64)
	res := r.results()
	if rt := res.Ratios[1]; rt.P50 != nil || rt.Throughput != nil {
		t.Errorf("ratios at 64 = %+v, want none", rt)
	}
	if res.Targets[1].Met {
		t.Error("the throughput target counts as met without a success")
	}
	var out bytes.Buffer
	r.print(&out)
	if !strings.Contains(out.String(), "64 × timed out") || !strings.Contains(out.String(), "n/a") {
		t.Errorf("the output hides the failure:\n%s", out.String())
	}
}

func TestReport_SaysWhetherWritesPassAGate(t *testing.T) {
	tests := []struct {
		name        string
		embedded    bool
		serverGated bool
		want        string
	}{
		{"embedded store", true, false, "embedded store's write gate"},
		{"server said to gate writes", false, true, "server's write gate"},
		{"any other server", false, false, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReport(config{levels: []int{1}, writeGate: tt.serverGated}, &database{label: "test", gated: tt.embedded}, 1)
			if got := r.results().WriteGate; !strings.Contains(got, tt.want) {
				t.Errorf("write gate %q, want it to say %q", got, tt.want)
			}
		})
	}
}
