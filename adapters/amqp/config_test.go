package amqp

import (
	"strings"
	"testing"
	"time"
)

func TestNewRefusesSettingsNoRetryCanFix(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no URL", Config{Exchange: "test-events"}},
		{"not an AMQP URL", Config{URL: "http://user:s3cret@localhost:5672/", Exchange: "test-events"}},
		{"no exchange", Config{URL: "amqp://user:s3cret@localhost/"}},
		{"max wait below min", Config{URL: "amqp://localhost/", Exchange: "test-events", ReconnectMin: time.Second, ReconnectMax: time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New(tt.cfg, nil)
			if err == nil {
				t.Fatalf("accepted %+v", tt.cfg)
			}
			if p != nil {
				t.Error("returned a publisher with the error")
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}

func TestZeroSettingsGetTheirDefaults(t *testing.T) {
	cfg, _, err := Config{URL: "amqp://localhost/", Exchange: "test-events"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		URL: "amqp://localhost/", Exchange: "test-events", ConnectionName: "customer-service",
		ReconnectMin: 100 * time.Millisecond, ReconnectMax: 5 * time.Second,
	}
	if cfg != want {
		t.Errorf("got %+v, want %+v", cfg, want)
	}
}
