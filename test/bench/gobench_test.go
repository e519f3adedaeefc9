package main

import (
	"strings"
	"testing"
)

const goBenchOutput = `goos: linux
goarch: amd64
pkg: github.com/microbase-io/customer-service/adapters/httpapi
cpu: AMD EPYC
BenchmarkUpdatePath/service-2         	  177434	      7000 ns/op	    4191 B/op	      31 allocs/op
BenchmarkUpdatePath/bare_gin-2        	  305349	      4000 ns/op	    2184 B/op	      25 allocs/op
BenchmarkUpdatePath/service-2         	  177434	      6000 ns/op	    4191 B/op	      31 allocs/op
BenchmarkUpdatePath/bare_gin-2        	  305349	      3000 ns/op	    2184 B/op	      25 allocs/op
BenchmarkUpdatePath/service-2         	  177434	      9000 ns/op	    4195 B/op	      31 allocs/op
BenchmarkUpdatePath/bare_gin-2        	  305349	      3500 ns/op	    2184 B/op	      25 allocs/op
PASS
ok  	github.com/microbase-io/customer-service/adapters/httpapi	2.438s
`

func TestParseGoBench_TakesTheMedianOfEachSubBenchmark(t *testing.T) {
	s, err := parseGoBench(strings.NewReader(goBenchOutput))
	if err != nil {
		t.Fatal(err)
	}
	want := goBenchSummary{
		Service: goBenchFigures{Runs: 3, NsPerOp: 7000, BytesPerOp: 4191, AllocsPerOp: 31},
		BareGin: goBenchFigures{Runs: 3, NsPerOp: 3500, BytesPerOp: 2184, AllocsPerOp: 25},
		CPU:     "AMD EPYC",
	}
	if s != want {
		t.Errorf("got %+v\nwant %+v", s, want)
	}
	if s.nsRatio() != 2 {
		t.Errorf("ns ratio %v, want 2", s.nsRatio())
	}
}

func TestParseGoBench_ReadsTheBaselineThatChecksTheToken(t *testing.T) {
	in := goBenchOutput + "BenchmarkUpdatePath/bare_gin_token-2 10 5000 ns/op 3000 B/op 50 allocs/op\n" +
		"BenchmarkUpdatePath/bare_gin_token-2 10 3000 ns/op 3000 B/op 50 allocs/op\n"
	s, err := parseGoBench(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := (goBenchFigures{Runs: 2, NsPerOp: 4000, BytesPerOp: 3000, AllocsPerOp: 50}); s.BareGinToken != want {
		t.Errorf("got %+v, want %+v", s.BareGinToken, want)
	}
	if s.nsRatioToken() != 1.75 {
		t.Errorf("ratio to the token baseline %v, want 1.75", s.nsRatioToken())
	}
}

func TestParseGoBench_ReadsNamesWithoutTheGOMAXPROCSSuffix(t *testing.T) {
	in := "BenchmarkUpdatePath/service 10 5 ns/op 1 B/op 1 allocs/op\n" +
		"BenchmarkUpdatePath/bare_gin 10 4 ns/op 1 B/op 1 allocs/op\n"
	s, err := parseGoBench(strings.NewReader(in))
	if err != nil || s.Service.NsPerOp != 5 || s.BareGin.NsPerOp != 4 {
		t.Errorf("got %+v, %v", s, err)
	}
}

func TestParseGoBench_RefusesOutputWithoutBothBenchmarks(t *testing.T) {
	for name, in := range map[string]string{
		"empty":          "",
		"no bare gin":    "BenchmarkUpdatePath/service-2 10 5 ns/op 1 B/op 1 allocs/op\n",
		"no -benchmem":   "BenchmarkUpdatePath/service-2 10 5 ns/op\nBenchmarkUpdatePath/bare_gin-2 10 4 ns/op\n",
		"a broken value": "BenchmarkUpdatePath/service-2 10 x ns/op\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := parseGoBench(strings.NewReader(in)); err == nil {
				t.Error("no error")
			}
		})
	}
}
