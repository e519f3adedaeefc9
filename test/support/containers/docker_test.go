package containers

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// outcome records what requireDocker asked of the test instead of ending it.
type outcome struct {
	testing.TB
	skipped, failed string
}

func (o *outcome) Helper()           {}
func (o *outcome) Skip(args ...any)  { o.skipped = fmt.Sprint(args...) }
func (o *outcome) Fatal(args ...any) { o.failed = fmt.Sprint(args...) }

func TestRequireDockerSkipsWithoutEngineButFailsUnderCI(t *testing.T) {
	unreachable := errors.New("Cannot connect to the Docker daemon\nat unix:///var/run/docker.sock")
	tests := []struct {
		name     string
		probeErr error
		ci       string
		wantSkip bool
		wantFail bool
	}{
		{name: "engine answers", probeErr: nil, ci: "true"},
		{name: "no engine on a laptop", probeErr: unreachable, ci: "", wantSkip: true},
		{name: "no engine with CI=false", probeErr: unreachable, ci: "false", wantSkip: true},
		{name: "no engine on CI", probeErr: unreachable, ci: "true", wantFail: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			got := &outcome{TB: t}

			requireDocker(got, tt.probeErr)

			if (got.skipped != "") != tt.wantSkip || (got.failed != "") != tt.wantFail {
				t.Fatalf("skipped=%q failed=%q, want skip=%v fail=%v", got.skipped, got.failed, tt.wantSkip, tt.wantFail)
			}
			for _, msg := range []string{got.skipped, got.failed} {
				if strings.Contains(msg, "\n") {
					t.Errorf("reason spans several lines: %q", msg)
				}
			}
		})
	}
}
