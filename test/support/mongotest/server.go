package mongotest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// ServerBinaryVariable names a built test/mongoserver binary; `make test`
// builds one and sets it. Without it the first server a test process
// starts builds one (go build, cached by the Go build cache).
const ServerBinaryVariable = "CUSTOMER_TEST_MONGOSERVER"

// Server is the MongoDB stand-in (test/mongoserver: FerretDB on SQLite
// behind its write gate) running as a process of its own, as a MongoDB
// server would.
type Server struct {
	// URI is the driver connection string.
	URI  string
	cmd  *exec.Cmd
	done chan error
}

// StartServer runs a stand-in on a free loopback port, its files in
// dataDir, until Stop.
func StartServer(dataDir string) (*Server, error) {
	bin, err := serverBinary()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-listen", "127.0.0.1:0", "-data", dataDir, "-log-level", "error")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("mongoserver: %w", err)
	}
	s := &Server{cmd: cmd, done: make(chan error, 1)}
	uri := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(out)
		for lines.Scan() {
			if line := lines.Text(); strings.HasPrefix(line, "mongodb://") {
				uri <- line
			}
		}
		s.done <- cmd.Wait()
	}()
	select {
	case s.URI = <-uri:
		return s, nil
	case err := <-s.done:
		return nil, fmt.Errorf("mongoserver exited before serving: %v", err)
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		return nil, errors.New("mongoserver did not serve within a minute")
	}
}

// Stop ends the server as `docker stop` would, and waits for it.
func (s *Server) Stop() error {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		return err
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		return errors.New("mongoserver did not stop within 15 s")
	}
}

// ServerFor starts a stand-in for one test, with its files in a
// temporary directory, and returns its URI; it stops when the test ends.
func ServerFor(t testing.TB) string {
	t.Helper()
	s, err := StartServer(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("stopping mongoserver: %v", err)
		}
	})
	return s.URI
}

// WithServer runs a stand-in, with its files in a temporary directory,
// for as long as run runs, and returns run's exit code, or 1 when the
// stand-in does not start: for a TestMain whose tests share one server.
func WithServer(run func(uri string) int) int {
	dir, err := os.MkdirTemp("", "customer-mongoserver-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	s, err := StartServer(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Stop()
	return run(s.URI)
}

var built struct {
	sync.Mutex
	path string
}

// serverBinary returns the binary ServerBinaryVariable names, or builds
// one from test/mongoserver, a module of its own, once per test process,
// into the user's cache directory (renamed into place, so test processes
// building at once do not see each other's half-written file).
func serverBinary() (string, error) {
	if bin := os.Getenv(ServerBinaryVariable); bin != "" {
		return bin, nil
	}
	built.Lock()
	defer built.Unlock()
	if built.path != "" {
		return built.path, nil
	}
	module, err := servicetest.ModuleDir()
	if err != nil {
		return "", err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, "customer-service-test")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "mongoserver")
	tmp := fmt.Sprintf("%s.%d.tmp", bin, os.Getpid())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", tmp, ".")
	build.Dir = filepath.Join(module, "test", "mongoserver")
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s: %v\n%s", build.Dir, err, out)
	}
	if err := os.Rename(tmp, bin); err != nil {
		return "", err
	}
	built.path = bin
	return bin, nil
}
