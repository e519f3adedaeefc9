package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// The process figures come from Linux's /proc; elsewhere they are
// reported as unknown rather than guessed.

// peakRSS reads VmHWM, the peak resident set size, in bytes.
func peakRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return parseStatusKiB(b, "VmHWM")
}

// parseStatusKiB reads a "Name:   123 kB" line of /proc/<pid>/status.
func parseStatusKiB(status []byte, name string) (int64, error) {
	for line := range bytes.Lines(status) {
		rest, ok := bytes.CutPrefix(line, []byte(name+":"))
		if !ok {
			continue
		}
		f := strings.Fields(string(rest))
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("%s: unexpected %q", name, line)
		}
		kib, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", name, err)
		}
		return kib << 10, nil
	}
	return 0, fmt.Errorf("%s: not in status", name)
}

// resetPeakRSS sets VmHWM back to the current RSS (Linux 4.0 and later),
// so the next reading is the peak of what ran in between.
func resetPeakRSS(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// userHZ is the unit of the times in /proc/<pid>/stat. It is 100 on every
// Linux architecture Go supports; reading it for sure (sysconf) needs cgo.
const userHZ = 100

// cpuTime is the user plus system CPU time the process has used.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseStatCPU(b)
}

// selfCPUTime is this process's CPU time, or 0 where unknown.
func selfCPUTime() time.Duration {
	d, err := cpuTime(os.Getpid())
	if err != nil {
		return 0
	}
	return d
}

// parseStatCPU reads utime and stime, fields 14 and 15 of
// /proc/<pid>/stat. The command name (field 2) may hold spaces and
// parentheses, so fields are counted from the last ")".
func parseStatCPU(stat []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, errors.New("stat: no command name")
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("stat: too few fields")
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("stat: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}
