package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"time"
)

// accessLog is what the service's own access log says about the run: how
// many requests it logged (so the log was on) and, for each successful
// customer.update, when it ended and how long the service took. The
// service's time, set beside the client's, splits a latency into the
// service with its database call, and the HTTP hop around it.
type accessLog struct {
	lines   int
	updates []loggedUpdate
}

type loggedUpdate struct {
	end      time.Time
	duration time.Duration
}

func readAccessLog(path string) (accessLog, error) {
	f, err := os.Open(path)
	if err != nil {
		return accessLog{}, err
	}
	defer f.Close()
	return parseAccessLog(f)
}

// parseAccessLog reads the production JSON lines: zap's ISO 8601 time
// (when the line was written, at the request's end) and its duration in
// seconds.
func parseAccessLog(r io.Reader) (accessLog, error) {
	var log accessLog
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.Contains(line, []byte(`"msg":"request"`)) {
			continue
		}
		log.lines++
		var entry struct {
			Time     string  `json:"time"`
			Method   string  `json:"method"`
			Status   int     `json:"status"`
			Duration float64 `json:"duration"`
		}
		if json.Unmarshal(line, &entry) != nil || entry.Method != "customer.update" || entry.Status != 200 {
			continue
		}
		end, err := time.Parse("2006-01-02T15:04:05.000Z0700", entry.Time)
		if err != nil {
			continue
		}
		log.updates = append(log.updates, loggedUpdate{end: end, duration: time.Duration(entry.Duration * float64(time.Second))})
	}
	return log, sc.Err()
}

// within returns the durations of the updates that ended in a window.
func (l accessLog) within(from, to time.Time) []time.Duration {
	var out []time.Duration
	for _, u := range l.updates {
		if !u.end.Before(from) && !u.end.After(to) {
			out = append(out, u.duration)
		}
	}
	return out
}
