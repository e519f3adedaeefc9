package main

import (
	"strings"
	"testing"
	"time"
)

const serviceLog = `{"level":"warn","time":"2026-11-27T15:47:00.185Z","logger":"events","msg":"CUSTOMER_AMQP_URL is empty"}
{"level":"info","time":"2026-11-27T16:16:13.738Z","logger":"http","msg":"request","method":"micro.ping","status":200,"duration":0.000049062}
{"level":"info","time":"2026-11-27T16:16:26.772Z","logger":"http","msg":"request","method":"customer.update","status":200,"duration":0.016439077}
{"level":"info","time":"2026-11-27T16:16:27.500Z","logger":"http","msg":"request","method":"customer.update","status":503,"error":"database_unavailable","duration":5.0}
{"level":"info","time":"2026-11-27T16:16:28.000Z","logger":"http","msg":"request","method":"customer.update","status":200,"duration":0.02}
`

func TestAccessLog_GivesTheServiceTimeOfSuccessfulUpdatesInAWindow(t *testing.T) {
	log, err := parseAccessLog(strings.NewReader(serviceLog))
	if err != nil {
		t.Fatal(err)
	}
	if log.lines != 4 {
		t.Errorf("%d request lines, want 4 (every request, whatever its method or status)", log.lines)
	}
	from := time.Date(2026, 11, 27, 16, 16, 26, 0, time.UTC)
	got := log.within(from, from.Add(1500*time.Millisecond))
	if len(got) != 1 || got[0] != 16439077*time.Nanosecond {
		t.Errorf("within the first 1.5 s: %v, want the one successful update of 16.44 ms", got)
	}
	if got := log.within(from, from.Add(3*time.Second)); len(got) != 2 {
		t.Errorf("within 3 s: %v, want both successes and not the 503", got)
	}
}
