package servicetest

import (
	"bufio"
	"bytes"
	"context"
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
	dir, err := ModuleDir()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "customer-service")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// ModuleDir is the service module's directory, from the service's own
// tests or from a module that requires it (test/bench).
func ModuleDir() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", modulePath).Output()
	if err != nil {
		return "", fmt.Errorf("locating the module %s: %w", modulePath, err)
	}
	return strings.TrimSpace(string(out)), nil
}

const modulePath = "github.com/microbase-io/customer-service"

// Process is the service running as a child process.
type Process struct {
	Cmd    *exec.Cmd
	Addr   string        // the API's host:port
	Exited chan struct{} // closed once the process has exited
	err    error         // Wait's, once Exited is closed

	mu  sync.Mutex
	log bytes.Buffer // everything it wrote, stdout and stderr, unless to is set
	to  io.Writer    // where its output goes instead, when set

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
	p, err := Launch(Command(bin, env...), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Kill()
		if t.Failed() {
			t.Logf("service output:\n%s", p.Output())
		}
	})
	return p
}

// Command is bin with env (CUSTOMER_* settings) added to an environment
// cleared of the caller's own CUSTOMER_* variables, so that settings made
// for other work do not reach the service.
func Command(bin string, env ...string) *exec.Cmd {
	return CommandContext(context.Background(), bin, env...)
}

// CommandContext is Command for a process killed once ctx is done.
func CommandContext(ctx context.Context, bin string, env ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CUSTOMER_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// Launch starts cmd, the service's binary, and returns once its API is
// listening; the caller ends it. Its output is kept for Output, or, when
// to is not nil, written to it instead. The service must log JSON at info
// (CUSTOMER_LOG_FORMAT=json, the default), which tells its address. A
// service that does not listen within a minute is killed.
func Launch(cmd *exec.Cmd, to io.Writer) (*Process, error) {
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	p := &Process{Cmd: cmd, Exited: make(chan struct{}), admin: make(chan string, 1), to: to}
	listening := make(chan string, 1)
	go p.read(out, listening)
	select {
	case p.Addr = <-listening:
		return p, nil
	case <-p.Exited:
		return nil, fmt.Errorf("the service exited before listening: %v\n%s", p.err, p.Output())
	case <-time.After(time.Minute):
		p.Kill()
		return nil, fmt.Errorf("the service did not listen within a minute\n%s", p.Output())
	}
}

// Kill kills the process, unless it has exited, and waits for it to.
func (p *Process) Kill() {
	select {
	case <-p.Exited:
	default:
		_ = p.Cmd.Process.Kill()
		<-p.Exited
	}
}

// read keeps the output and reports the API's address from the log line
// that announces it; the process has exited when the output ends.
func (p *Process) read(out io.Reader, listening chan<- string) {
	var copied []byte
	lines := bufio.NewScanner(out)
	lines.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for lines.Scan() {
		line := lines.Bytes()
		p.mu.Lock()
		if p.to != nil {
			copied = append(append(copied[:0], line...), '\n')
			_, _ = p.to.Write(copied)
		} else {
			p.log.Write(line)
			p.log.WriteByte('\n')
		}
		p.mu.Unlock()
		if !bytes.Contains(line, []byte(`"listening"`)) {
			continue
		}
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
