package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/adapters/token"
	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// serviceProcess is a process serving the API over HTTP on loopback: the
// built service as in production, JSON logs at info level (one access
// line per request) written to a file, its store given by the settings
// it starts with; or the bare target (bare.go), started with the same
// settings.
type serviceProcess struct {
	label   string
	proc    *servicetest.Process
	logFile *os.File
	base    string // URL of the methods, ending in "/"
	auth    string // Authorization header value
	client  *http.Client
	bodies  []bytes.Buffer // one per worker, reused
	stopped sync.Once
	log     accessLog
	logErr  error
	// peakReset reports that the kernel accepted the last request to reset
	// the peak RSS; without it the peak counts from the start.
	peakReset bool
}

// startService starts bin with store, the CUSTOMER_* settings that pick
// and place its store, and settings of its own for the rest.
func startService(ctx context.Context, bin string, store []string, logPath string, maxWorkers int) (*serviceProcess, error) {
	return startTarget(ctx, "service", servicetest.Command(bin), store, logPath, maxWorkers)
}

// startTarget starts cmd, a program that serves the API as the service
// does, with the settings the service reads: store and those it is
// given here (a token secret of its own, loopback addresses, JSON logs).
// Its output is added to logPath.
func startTarget(ctx context.Context, label string, cmd *exec.Cmd, store []string, logPath string, maxWorkers int) (*serviceProcess, error) {
	// Two texts: one is 26 bytes, under the 32 a token secret must hold.
	secret := rand.Text() + rand.Text()
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd.Env = append(append(cmd.Env, store...),
		"CUSTOMER_HTTP_ADDR=127.0.0.1:0",
		"CUSTOMER_ADMIN_ADDR=127.0.0.1:0",
		"CUSTOMER_TOKEN_SECRET="+secret,
		"CUSTOMER_TOKEN_SCOPE=api",
		"CUSTOMER_LOG_FORMAT=json",
		"CUSTOMER_LOG_LEVEL=info",
	)
	cmd.SysProcAttr = childProcAttr()
	proc, err := servicetest.Launch(cmd, logFile)
	if err != nil {
		_ = logFile.Close()
		return nil, fmt.Errorf("%s: %w (its log: %s)", label, err, logPath)
	}
	s := &serviceProcess{
		label:   label,
		proc:    proc,
		logFile: logFile,
		base:    "http://" + proc.Addr + httpapi.BasePath,
		client: &http.Client{
			Timeout: 30 * time.Second,
			Transport: &http.Transport{
				Proxy:               nil,
				MaxIdleConnsPerHost: maxWorkers,
				DisableCompression:  true,
				IdleConnTimeout:     time.Minute,
			},
		},
		bodies: make([]bytes.Buffer, maxWorkers),
	}
	issuer, err := token.NewIssuer([]byte(secret), "bench")
	if err == nil {
		var tok string
		tok, err = issuer.Issue("bench", []string{"api"}, 24*time.Hour, time.Now())
		s.auth = "Bearer " + tok
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		s.stop()
		return nil, fmt.Errorf("%s: %w (its log: %s)", label, err, logPath)
	}
	return s, nil
}

func (s *serviceProcess) name() string { return s.label }

func (s *serviceProcess) update(ctx context.Context, worker int, id string, ch change) error {
	body, err := updateBody(id, ch)
	if err != nil {
		return err
	}
	_, err = s.call(ctx, worker, "customer.update", body)
	return err
}

// call POSTs body, JSON, to method and returns the answer, in the
// worker's buffer (valid until its next call). An answer other than ok is
// a *serviceError.
func (s *serviceProcess) call(ctx context.Context, worker int, method string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base+method, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", s.auth)
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	answer := &s.bodies[worker]
	answer.Reset()
	if _, err := answer.ReadFrom(resp.Body); err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusOK && bytes.HasPrefix(answer.Bytes(), []byte(`{"ok":true`)) {
		return answer.Bytes(), nil
	}
	var failure struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(answer.Bytes(), &failure)
	return nil, &serviceError{status: resp.StatusCode, code: failure.Error}
}

// updateBody is the customer.update call a client sends: the id and only
// the fields that change.
func updateBody(id string, ch change) ([]byte, error) {
	return json.Marshal(struct {
		ID string `json:"id"`
		change
	}{id, ch})
}

// stop ends the service as an orchestrator would (SIGTERM, then a kill
// if it lingers) and returns its access log, read once it is complete.
func (s *serviceProcess) stop() accessLog {
	s.stopped.Do(func() {
		_ = s.proc.Cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.proc.Exited:
		case <-time.After(20 * time.Second):
			s.proc.Kill()
		}
		s.client.CloseIdleConnections()
		_ = s.logFile.Close()
		s.log, s.logErr = readAccessLog(s.logFile.Name())
	})
	return s.log
}

func (s *serviceProcess) resetPeakRSS() {
	s.peakReset = resetPeakRSS(s.proc.Cmd.Process.Pid) == nil
}

// peakRSS is the service's peak resident memory in bytes, or 0 where the
// system does not tell.
func (s *serviceProcess) peakRSS() int64 {
	n, err := peakRSS(s.proc.Cmd.Process.Pid)
	if err != nil {
		return 0
	}
	return n
}

func (s *serviceProcess) cpuTime() time.Duration {
	d, err := cpuTime(s.proc.Cmd.Process.Pid)
	if err != nil {
		return 0
	}
	return d
}
