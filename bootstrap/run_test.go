package bootstrap

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx/fxtest"
	"go.uber.org/zap"

	"github.com/microbase-io/customer-service/adapters/metrics"
)

// A service that cannot start says why on its first line, in the words of
// the piece that failed, without fx's and dig's account of how the graph
// got there, and exits 1 (2 is for configuration LoadConfig refuses).
func TestStartFailuresSayTheirCauseFirst(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tests := []struct {
		name    string
		prepare func(t *testing.T, dataDir string) []string // files to write, settings to add
		want    func(dataDir string) string                 // what the first line holds
	}{
		{"a damaged database file", func(t *testing.T, dir string) []string {
			writeFile(t, filepath.Join(dir, "customers.db"), strings.Repeat("not a database ", 100))
			return nil
		}, func(dir string) string { return filepath.Join(dir, "customers.db") }},
		{"a development secret edited short", func(t *testing.T, dir string) []string {
			writeFile(t, filepath.Join(dir, developmentSecretFile), "short\n")
			return []string{"CUSTOMER_TOKEN_SECRET"} // unset: the development secret
		}, func(dir string) string { return filepath.Join(dir, developmentSecretFile) }},
		{"the API address in use", func(*testing.T, string) []string {
			return []string{"CUSTOMER_HTTP_ADDR=" + busy.Addr().String()}
		}, func(string) string { return "CUSTOMER_HTTP_ADDR" }},
		{"the admin address in use", func(*testing.T, string) []string {
			return []string{"CUSTOMER_ADMIN_ADDR=" + busy.Addr().String()}
		}, func(string) string { return "CUSTOMER_ADMIN_ADDR" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			env := []string{"CUSTOMER_DATA_DIR=" + dir, "CUSTOMER_HTTP_ADDR=127.0.0.1:0", "CUSTOMER_ADMIN_ADDR=127.0.0.1:0",
				"CUSTOMER_TOKEN_SECRET=" + goodSecret, "CUSTOMER_LOG_LEVEL=error"}
			for _, kv := range tt.prepare(t, dir) {
				if !strings.Contains(kv, "=") {
					env = dropSetting(env, kv)
					continue
				}
				env = append(env, kv)
			}
			cfg, err := LoadConfig(env)
			if err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			if code := Run(cfg, &stderr); code != 1 {
				t.Fatalf("exit %d, want 1 (stderr %q)", code, stderr.String())
			}
			first, _, _ := strings.Cut(stderr.String(), "\n")
			if !strings.HasPrefix(first, "customer-service: ") || !strings.Contains(first, tt.want(dir)) {
				t.Errorf("first line %q, want the cause, naming %s", first, tt.want(dir))
			}
			for _, framework := range []string{"could not build", "failed to build", "received non-nil error", ".go:", "fx.", "dig."} {
				if strings.Contains(stderr.String(), framework) {
					t.Errorf("stderr holds the framework's %q: %s", framework, stderr.String())
				}
			}
		})
	}
}

// Opening the embedded store at start is not a request: it does not have
// to fit in CUSTOMER_REQUEST_TIMEOUT, however short that is.
func TestEmbeddedStoreOpensWhateverTheRequestTimeout(t *testing.T) {
	cfg, err := LoadConfig([]string{"CUSTOMER_DATA_DIR=" + t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	cfg.RequestTimeout = time.Nanosecond
	lc := fxtest.NewLifecycle(t)
	if _, err := newSQLiteStore(lc, cfg, zap.NewNop(), metrics.New()); err != nil {
		t.Fatalf("the store did not open: %v", err)
	}
	lc.RequireStart().RequireStop()
}

func writeFile(t *testing.T, path, contents string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(contents), 0o600); err != nil {
		t.Fatal(err)
	}
}

// dropSetting removes name's entries from env.
func dropSetting(env []string, name string) []string {
	var kept []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			kept = append(kept, kv)
		}
	}
	return kept
}
