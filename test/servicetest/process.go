package servicetest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/httpapi"
)

// BuildBinary builds the service's binary as `make build` does, into a
// temporary directory, with the go command that runs the test (go test
// puts its GOROOT/bin first in PATH). Its build cache makes every build
// after the first cheap.
func BuildBinary(t testing.TB) string {
	t.Helper()
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("locating the module: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "customer-service")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
	build.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Process is the service running as a child process.
type Process struct {
	Cmd    *exec.Cmd
	Addr   string        // the API's host:port
	Exited chan struct{} // closed once the process has exited
	err    error         // Wait's, once Exited is closed

	mu  sync.Mutex
	log bytes.Buffer // everything it wrote, stdout and stderr

	admin     chan string // the admin endpoints' address, once they listen
	adminOnce sync.Once
	adminURL  string
}

// StartProcess runs bin with env (CUSTOMER_* settings) added to an
// environment cleared of the CUSTOMER_* variables of the test's own, and
// returns once the API is listening. The service must log JSON at info
// (CUSTOMER_LOG_FORMAT=json, the default), which tells its address. It is
// killed when the test ends, if it has not exited by then.
func StartProcess(t testing.TB, bin string, env ...string) *Process {
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
	p := &Process{Cmd: cmd, Exited: make(chan struct{}), admin: make(chan string, 1)}
	listening := make(chan string, 1)
	go p.read(out, listening)
	t.Cleanup(func() {
		select {
		case <-p.Exited:
		default:
			_ = cmd.Process.Kill()
			<-p.Exited
		}
		if t.Failed() {
			t.Logf("service output:\n%s", p.Output())
		}
	})
	select {
	case p.Addr = <-listening:
		return p
	case <-p.Exited:
		t.Fatalf("the service exited before listening: %v\n%s", p.err, p.Output())
	case <-time.After(time.Minute):
		t.Fatalf("the service did not listen within a minute\n%s", p.Output())
	}
	return nil
}

// read keeps the output and reports the API's address from the log line
// that announces it; the process has exited when the output ends.
func (p *Process) read(out io.Reader, listening chan<- string) {
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
		if json.Unmarshal(line, &entry) == nil && entry.Msg == "listening" {
			switch entry.Logger {
			case "http":
				listening <- entry.Addr
			case "admin":
				p.admin <- entry.Addr
			}
		}
	}
	_, _ = io.Copy(io.Discard, out)
	p.err = p.Cmd.Wait()
	close(p.Exited)
}

// AdminURL is the base of the admin endpoints (/readyz, /metrics), without
// a trailing "/", once they listen.
func (p *Process) AdminURL(t testing.TB) string {
	t.Helper()
	p.adminOnce.Do(func() {
		select {
		case addr := <-p.admin:
			p.adminURL = "http://" + addr
		case <-p.Exited:
		case <-time.After(time.Minute):
		}
	})
	if p.adminURL == "" {
		t.Fatalf("the admin endpoints did not listen\n%s", p.Output())
	}
	return p.adminURL
}

// Output is everything the process wrote so far, stdout and stderr.
func (p *Process) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// ExitCode waits at most bound for the process to exit.
func (p *Process) ExitCode(t testing.TB, bound time.Duration) int {
	t.Helper()
	select {
	case <-p.Exited:
	case <-time.After(bound):
		t.Fatalf("the service had not exited %s later", bound)
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

// AccessLogged returns the request ids the service's access log holds:
// the requests it read and answered.
func (p *Process) AccessLogged() map[string]bool {
	seen := map[string]bool{}
	for line := range strings.Lines(p.Output()) {
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

// Client calls the process's API with a token of Secret.
func (p *Process) Client(t testing.TB) Client {
	t.Helper()
	return Client{URL: "http://" + p.Addr + httpapi.BasePath, Token: Token(t, Secret, "api")}
}

// PeakRSS is the most memory the process has held resident (VmHWM), in
// bytes, since it started or since ResetPeakRSS.
func (p *Process) PeakRSS(t testing.TB) int64 {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.Cmd.Process.Pid))
	if err != nil {
		t.Skipf("no peak RSS on this system: %v", err)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM %q: %v", rest, err)
			}
			return kib << 10
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", p.Cmd.Process.Pid)
	return 0
}

// ResetPeakRSS starts PeakRSS afresh from what the process holds now.
func (p *Process) ResetPeakRSS(t testing.TB) {
	t.Helper()
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", p.Cmd.Process.Pid), []byte("5"), 0); err != nil {
		t.Skipf("the peak RSS cannot be reset on this system: %v", err)
	}
}
