package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// goBenchFigures are the medians, over the -count runs, of one benchmark.
type goBenchFigures struct {
	Runs        int     `json:"runs"`
	NsPerOp     float64 `json:"ns_per_op"`
	BytesPerOp  float64 `json:"bytes_per_op"`
	AllocsPerOp float64 `json:"allocs_per_op"`
}

// goBenchSummary compares the service's HTTP path with the bare Gin
// handler, without and with the same token check (BenchmarkUpdatePath in
// adapters/httpapi).
type goBenchSummary struct {
	Service      goBenchFigures `json:"service"`
	BareGin      goBenchFigures `json:"bare_gin"`
	BareGinToken goBenchFigures `json:"bare_gin_token,omitzero"`
	CPU          string         `json:"cpu,omitempty"`
}

func (s goBenchSummary) nsRatio() float64 { return ratio(s.Service.NsPerOp, s.BareGin.NsPerOp) }

func (s goBenchSummary) nsRatioToken() float64 {
	return ratio(s.Service.NsPerOp, s.BareGinToken.NsPerOp)
}

func readGoBench(path string) (goBenchSummary, error) {
	f, err := os.Open(path)
	if err != nil {
		return goBenchSummary{}, err
	}
	defer f.Close()
	s, err := parseGoBench(f)
	if err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// parseGoBench reads the standard benchmark output format ("name N value
// unit value unit ..."); it is a few lines, so it is not worth a
// dependency on a benchmark-format package.
func parseGoBench(r io.Reader) (goBenchSummary, error) {
	var s goBenchSummary
	runs := map[string]map[string][]float64{} // sub-benchmark -> unit -> values
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if cpu, ok := strings.CutPrefix(line, "cpu: "); ok {
			s.CPU = cpu
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkUpdatePath/") {
			continue
		}
		// The name ends in -GOMAXPROCS unless that is 1.
		sub := strings.TrimPrefix(f[0], "BenchmarkUpdatePath/")
		if i := strings.LastIndexByte(sub, '-'); i > 0 {
			if _, err := strconv.Atoi(sub[i+1:]); err == nil {
				sub = sub[:i]
			}
		}
		if runs[sub] == nil {
			runs[sub] = map[string][]float64{}
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return s, fmt.Errorf("benchmark line %q: %w", line, err)
			}
			runs[sub][f[i+1]] = append(runs[sub][f[i+1]], v)
		}
	}
	if err := sc.Err(); err != nil {
		return s, err
	}
	figures := func(sub string) (goBenchFigures, error) {
		units := runs[sub]
		if len(units["ns/op"]) == 0 || len(units["allocs/op"]) == 0 {
			return goBenchFigures{}, fmt.Errorf("no BenchmarkUpdatePath/%s results with -benchmem", sub)
		}
		return goBenchFigures{
			Runs:        len(units["ns/op"]),
			NsPerOp:     median(units["ns/op"]),
			BytesPerOp:  median(units["B/op"]),
			AllocsPerOp: median(units["allocs/op"]),
		}, nil
	}
	var err error
	if s.Service, err = figures("service"); err != nil {
		return s, err
	}
	if s.BareGin, err = figures("bare_gin"); err != nil {
		return s, err
	}
	if _, ran := runs["bare_gin_token"]; ran {
		s.BareGinToken, err = figures("bare_gin_token")
	}
	return s, err
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Sorted(slices.Values(v))
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}
