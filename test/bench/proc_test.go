package main

import (
	"testing"
	"time"
)

func TestParseStatusKiB_ReadsThePeakRSSInBytes(t *testing.T) {
	status := []byte("Name:\tcustomer-servi\nVmPeak:\t 1290576 kB\nVmHWM:\t   43520 kB\nVmRSS:\t   31176 kB\n")
	got, err := parseStatusKiB(status, "VmHWM")
	if err != nil || got != 43520<<10 {
		t.Errorf("got %d, %v; want %d", got, err, 43520<<10)
	}
	if _, err := parseStatusKiB(status, "VmSwap"); err == nil {
		t.Error("a missing field read without error")
	}
}

func TestParseStatCPU_AddsUserAndSystemTimeAfterAnOddCommandName(t *testing.T) {
	// Fields 14 (utime) and 15 (stime) are 250 and 50 ticks; the command
	// name holds a space and a parenthesis.
	stat := []byte("4242 (odd) name) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 8 0 100 0 0")
	got, err := parseStatCPU(stat)
	if err != nil || got != 3*time.Second {
		t.Errorf("got %v, %v; want 3s", got, err)
	}
	if _, err := parseStatCPU([]byte("4242 (short) S 1")); err == nil {
		t.Error("a truncated stat read without error")
	}
}
