// Package shutdown checks how the service binary stops: built as
// `make build` builds it and run as a process on its embedded store, it
// receives SIGTERM while clients are mid-request.
package shutdown

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// buildService builds the service's binary into a temporary directory,
// with the go command that runs the test (go test puts its GOROOT/bin
// first in PATH). Its build cache makes every build after the first cheap.
func buildService(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "customer-service")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
	build.Dir = filepath.Join("..", "..")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// process is the service running as a child process.
type process struct {
	cmd    *exec.Cmd
	addr   string // the API's host:port
	exited chan struct{}
	err    error // Wait's, once exited is closed

	mu  sync.Mutex
	log bytes.Buffer // everything it wrote, stdout and stderr
}

// startService runs bin with env (CUSTOMER_* settings) added to an
// environment cleared of the CUSTOMER_* variables of the test's own, and
// returns once the API is listening.
func startService(t *testing.T, bin string, env ...string) *process {
	t.Helper()
	cmd := exec.Command(bin)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CUSTOMER_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	p := &process{cmd: cmd, exited: make(chan struct{})}
	listening := make(chan string, 1)
	go p.read(out, listening)
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("service output:\n%s", p.output())
		}
	})
	select {
	case p.addr = <-listening:
		return p
	case <-p.exited:
		t.Fatalf("the service exited before listening: %v\n%s", p.err, p.output())
	case <-time.After(time.Minute):
		t.Fatalf("the service did not listen within a minute\n%s", p.output())
	}
	return nil
}

// read keeps the output and reports the API's address from the log line
// that announces it; the process has exited when the output ends.
func (p *process) read(out io.Reader, listening chan<- string) {
	lines := bufio.NewScanner(out)
	lines.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for lines.Scan() {
		line := lines.Bytes()
		p.mu.Lock()
		p.log.Write(line)
		p.log.WriteByte('\n')
		p.mu.Unlock()
		var entry struct {
			Logger, Msg, Addr string
		}
		if json.Unmarshal(line, &entry) == nil && entry.Logger == "http" && entry.Msg == "listening" {
			listening <- entry.Addr
		}
	}
	_, _ = io.Copy(io.Discard, out)
	p.err = p.cmd.Wait()
	close(p.exited)
}

func (p *process) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// exitCode waits at most bound for the process to exit.
func (p *process) exitCode(t *testing.T, bound time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(bound):
		t.Fatalf("the service had not exited %s after SIGTERM", bound)
	}
	if p.err == nil {
		return 0
	}
	var exit *exec.ExitError
	if errors.As(p.err, &exit) {
		return exit.ExitCode()
	}
	t.Fatalf("waiting for the service: %v", p.err)
	return -1
}

// accessLogged returns the request ids the service's access log holds:
// the requests it read and answered.
func (p *process) accessLogged() map[string]bool {
	seen := map[string]bool{}
	for line := range strings.Lines(p.output()) {
		var entry struct {
			Msg       string `json:"msg"`
			RequestID string `json:"request_id"`
		}
		if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "request" {
			// The service chains its own id after the caller's.
			ours, _, _ := strings.Cut(entry.RequestID, ":")
			seen[ours] = true
		}
	}
	return seen
}
