package soak

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// runtimeFigures are what the service's /metrics says of its runtime.
type runtimeFigures struct {
	goroutines int
	heapAlloc  float64 // bytes of live and not yet collected objects
	heapInuse  float64
	rss        float64
}

func (f runtimeFigures) String() string {
	return fmt.Sprintf("%d goroutines, heap %s allocated (%s in use), RSS %s",
		f.goroutines, mib(f.heapAlloc), mib(f.heapInuse), mib(f.rss))
}

func mib(bytes float64) string { return fmt.Sprintf("%.1f MiB", bytes/(1<<20)) }

// collectGarbage makes the service run a garbage collection, through the
// profiler's heap endpoint, so that the heap figures read next count live
// objects only and two readings compare. It returns the heap profile,
// which `go tool pprof -base` compares with another.
func collectGarbage(ctx context.Context, admin string) ([]byte, error) {
	// Twice: what sync.Pools hold (gzip writers of /metrics answers among
	// them) survives one collection.
	if _, err := get(ctx, admin+"/debug/pprof/heap?gc=1"); err != nil {
		return nil, err
	}
	profile, err := get(ctx, admin+"/debug/pprof/heap?gc=1")
	return []byte(profile), err
}

// readRuntime scrapes admin's /metrics.
func readRuntime(ctx context.Context, admin string) (runtimeFigures, error) {
	body, err := get(ctx, admin+"/metrics")
	if err != nil {
		return runtimeFigures{}, err
	}
	values := map[string]float64{}
	lines := bufio.NewScanner(strings.NewReader(body))
	for lines.Scan() {
		// Only unlabelled samples are read: "name value".
		name, value, ok := strings.Cut(lines.Text(), " ")
		if !ok || strings.HasPrefix(name, "#") || strings.Contains(name, "{") {
			continue
		}
		if v, err := strconv.ParseFloat(value, 64); err == nil {
			values[name] = v
		}
	}
	f := runtimeFigures{
		goroutines: int(values["go_goroutines"]),
		heapAlloc:  values["go_memstats_heap_alloc_bytes"],
		heapInuse:  values["go_memstats_heap_inuse_bytes"],
		rss:        values["process_resident_memory_bytes"],
	}
	if f.goroutines == 0 || f.heapAlloc == 0 {
		return f, fmt.Errorf("/metrics lacks go_goroutines or go_memstats_heap_alloc_bytes")
	}
	return f, nil
}

func get(ctx context.Context, url string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b), err
}
