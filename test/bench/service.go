package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/adapters/token"
)

// serviceProcess is the built service running as its own process, as in
// production: JSON logs at info level (one access line per request)
// written to a file, its store given by the settings it starts with.
type serviceProcess struct {
	cmd     *exec.Cmd
	exited  chan struct{}
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
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	// Two texts: one is 26 bytes, under the 32 a token secret must hold.
	secret := rand.Text() + rand.Text()
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin)
	cmd.Env = append(append(withoutServiceSettings(os.Environ()), store...),
		"CUSTOMER_HTTP_ADDR="+addr,
		"CUSTOMER_ADMIN_ADDR=127.0.0.1:0",
		"CUSTOMER_TOKEN_SECRET="+secret,
		"CUSTOMER_TOKEN_SCOPE=api",
		"CUSTOMER_LOG_FORMAT=json",
		"CUSTOMER_LOG_LEVEL=info",
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = childProcAttr()
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	s := &serviceProcess{
		cmd:     cmd,
		exited:  make(chan struct{}),
		logFile: logFile,
		base:    "http://" + addr + httpapi.BasePath,
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
	go func() {
		_ = cmd.Wait()
		close(s.exited)
	}()

	issuer, err := token.NewIssuer([]byte(secret), "bench")
	if err == nil {
		var tok string
		tok, err = issuer.Issue("bench", []string{"api"}, 24*time.Hour, time.Now())
		s.auth = "Bearer " + tok
	}
	if err == nil {
		err = s.waitReady(ctx)
	}
	if err != nil {
		s.stop()
		return nil, fmt.Errorf("service: %w (its log: %s)", err, logPath)
	}
	return s, nil
}

// freeLoopbackAddr asks the kernel for a free port; another process could
// take it before the service binds it, which start then reports.
func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// withoutServiceSettings drops the caller's CUSTOMER_* variables, so that
// a config file or log level set for other work does not change what is
// measured.
func withoutServiceSettings(environ []string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		if !strings.HasPrefix(kv, "CUSTOMER_") {
			out = append(out, kv)
		}
	}
	return out
}

func (s *serviceProcess) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return errors.New("exited during start")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		resp, err := s.client.Get(s.base + "micro.ping")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return errors.New("not answering micro.ping after a minute")
}

func (*serviceProcess) name() string { return "service" }

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
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(20 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		s.client.CloseIdleConnections()
		_ = s.logFile.Close()
		s.log, s.logErr = readAccessLog(s.logFile.Name())
	})
	return s.log
}

func (s *serviceProcess) resetPeakRSS() {
	s.peakReset = resetPeakRSS(s.cmd.Process.Pid) == nil
}

// peakRSS is the service's peak resident memory in bytes, or 0 where the
// system does not tell.
func (s *serviceProcess) peakRSS() int64 {
	n, err := peakRSS(s.cmd.Process.Pid)
	if err != nil {
		return 0
	}
	return n
}

func (s *serviceProcess) cpuTime() time.Duration {
	d, err := cpuTime(s.cmd.Process.Pid)
	if err != nil {
		return 0
	}
	return d
}
