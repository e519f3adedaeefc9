package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/microbase-io/customer-service/adapters/token"
	"github.com/microbase-io/customer-service/bootstrap"
	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// runCommand runs the command line with a clean CUSTOMER_* environment
// (the given variables only) and returns its exit code and output.
func runCommand(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "CUSTOMER_") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestHelp_PrintsTheCommandsTheVariablesAndWhereTheREADMEIs(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"-help"}, {"help"}, {"serve", "-h"}, {"token", "--help"}, {"healthcheck", "-h"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			// A broken configuration does not keep anyone from reading the help.
			code, stdout, stderr := runCommand(t, map[string]string{"CUSTOMER_LOG_FORMAT": "xml"}, args...)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q; want 0 and nothing", code, stderr)
			}
			for _, want := range []string{"customer-service token", "customer-service healthcheck", "-ttl",
				"CUSTOMER_HTTP_ADDR", "CUSTOMER_TOKEN_SECRET", "CUSTOMER_CONFIG_FILE", "README.md"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("the help lacks %q:\n%s", want, stdout)
				}
			}
		})
	}
}

// The help lists exactly the variables the configuration reads.
func TestHelp_ListsEveryVariableTheConfigurationReads(t *testing.T) {
	_, stdout, _ := runCommand(t, nil, "help")
	listed := regexp.MustCompile(`(?m)^  (CUSTOMER_\w+) \(default`).FindAllStringSubmatch(stdout, -1)
	var got []string
	for _, m := range listed {
		got = append(got, m[1])
	}
	var want []string
	for _, f := range reflect.VisibleFields(reflect.TypeFor[bootstrap.Config]()) {
		if name := f.Tag.Get("env"); name != "" {
			want = append(want, name)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the help lists %v\nthe configuration reads %v", got, want)
	}
}

// A command line that cannot be read fails with the usage and exit 2,
// whatever the command; nothing is served, checked or signed.
func TestUsageErrors_FailWithTheUsageAndExit2(t *testing.T) {
	for _, args := range [][]string{
		{"--wrong"}, {"-x"}, {"nope"}, {"serve", "--wrong"}, {"serve", "extra"}, {"token", "-x"},
		{"token", "extra"}, {"token", "-ttl", "soon"}, {"healthcheck", "--wrong"}, {"healthcheck", "extra"}, {"help", "extra"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := t.TempDir()
			code, stdout, stderr := runCommand(t, map[string]string{"CUSTOMER_DATA_DIR": dir}, args...)
			if code != 2 || stdout != "" {
				t.Fatalf("exit %d, stdout %q; want 2 and nothing", code, stdout)
			}
			if !strings.HasPrefix(stderr, "customer-service: ") || !strings.Contains(stderr, "Usage:") {
				t.Errorf("stderr %q, want what was wrong, then the usage", stderr)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("the data directory holds %v after a usage error", entries)
			}
		})
	}
}

func TestToken_SignsWithTheSecretItNames(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "development-token-secret"), []byte("a-development-secret-of-32-bytes!\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, secret, source string
		env                  map[string]string
	}{
		{"the configured secret", "configured-secret-of-32-bytes-at-least", "CUSTOMER_TOKEN_SECRET",
			map[string]string{"CUSTOMER_TOKEN_SECRET": "configured-secret-of-32-bytes-at-least,an-older-secret-of-32-bytes-at-least", "CUSTOMER_DATA_DIR": dir}},
		{"the development secret", "a-development-secret-of-32-bytes!", "the development secret in " + filepath.Join(dir, "development-token-secret"),
			map[string]string{"CUSTOMER_DATA_DIR": dir}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCommand(t, tt.env, "token", "-sub", "alice", "-ttl", "2h")
			if code != 0 || !strings.Contains(stderr, tt.source) || strings.Contains(stderr, tt.secret) {
				t.Fatalf("exit %d, stderr %q; want 0 and the secret named, not shown", code, stderr)
			}
			verifier, err := token.NewVerifier([][]byte{[]byte(tt.secret)}, "api", 24*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			claims, err := verifier.Verify("Bearer " + strings.TrimSpace(stdout))
			if err != nil || claims.Subject != "alice" {
				t.Fatalf("the token printed does not verify with %s: %v", tt.source, err)
			}
		})
	}
}

// Where no service has made its development secret, token says so and
// fails instead of making one no running service would accept.
func TestToken_WithoutASecretSaysSoAndMakesNone(t *testing.T) {
	for name, dir := range map[string]string{"an empty data directory": t.TempDir(), "no data directory": filepath.Join(t.TempDir(), "absent")} {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runCommand(t, map[string]string{"CUSTOMER_DATA_DIR": dir}, "token")
			if code == 0 || stdout != "" || !strings.Contains(stderr, "no development token secret in "+dir) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want a failure that names the directory", code, stdout, stderr)
			}
			if _, err := os.Stat(filepath.Join(dir, "development-token-secret")); !os.IsNotExist(err) {
				t.Errorf("token made a development secret (%v)", err)
			}
		})
	}
	code, _, stderr := runCommand(t, map[string]string{"CUSTOMER_MONGODB_URI": "mongodb://db:27017"}, "token")
	if code == 0 || !strings.Contains(stderr, "CUSTOMER_TOKEN_SECRET is required") {
		t.Errorf("with MongoDB and no secret: exit %d, stderr %q", code, stderr)
	}
}

const tokenCommandSecret = "token-command-secret-0123456789abcdef"

// `customer-service token` issues only tokens the service accepts: a -ttl
// over CUSTOMER_TOKEN_MAX_TTL is a usage error naming the setting, and
// prints no token.
func TestTokenCommandFollowsTheMaximumLifetime(t *testing.T) {
	tests := []struct {
		name     string
		maxTTL   string // CUSTOMER_TOKEN_MAX_TTL; "" leaves the default
		args     []string
		wantCode int
		wantTTL  time.Duration // of the printed token
	}{
		{"default -ttl", "", nil, 0, time.Hour},
		{"-ttl at the default maximum", "", []string{"-ttl", "24h"}, 0, 24 * time.Hour},
		{"-ttl over the default maximum", "", []string{"-ttl", "24h1s"}, 2, 0},
		{"-ttl of a year", "", []string{"-ttl", "8760h"}, 2, 0},
		{"default -ttl under a shorter maximum", "30m", nil, 0, 30 * time.Minute},
		{"-ttl over a shorter maximum", "30m", []string{"-ttl", "1h"}, 2, 0},
		{"-ttl under a longer maximum", "72h", []string{"-ttl", "48h"}, 0, 48 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"CUSTOMER_TOKEN_SECRET": tokenCommandSecret, "CUSTOMER_DATA_DIR": t.TempDir()}
			maxTTL := 24 * time.Hour
			if tt.maxTTL != "" {
				env["CUSTOMER_TOKEN_MAX_TTL"] = tt.maxTTL
				var err error
				if maxTTL, err = time.ParseDuration(tt.maxTTL); err != nil {
					t.Fatal(err)
				}
			}
			code, stdout, stderr := runCommand(t, env, append([]string{"token"}, tt.args...)...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tt.wantCode, stderr)
			}
			if tt.wantCode != 0 {
				if !strings.Contains(stderr, "CUSTOMER_TOKEN_MAX_TTL") {
					t.Errorf("stderr %q does not name CUSTOMER_TOKEN_MAX_TTL", stderr)
				}
				if stdout != "" {
					t.Errorf("a refused -ttl printed %q", stdout)
				}
				return
			}

			raw := strings.TrimSpace(stdout)
			var claims jwt.RegisteredClaims
			if _, _, err := jwt.NewParser().ParseUnverified(raw, &claims); err != nil {
				t.Fatalf("printed %q: %v", raw, err)
			}
			if got := claims.ExpiresAt.Sub(claims.IssuedAt.Time); got != tt.wantTTL {
				t.Fatalf("token lives %v, want %v", got, tt.wantTTL)
			}
			v, err := token.NewVerifier([][]byte{[]byte(tokenCommandSecret)}, "api", maxTTL)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := v.Verify("Bearer " + raw); err != nil {
				t.Fatalf("the service would refuse the printed token: %v", err)
			}
		})
	}
}

// Configuration that would widen access or silence the service stops it
// before anything starts: exit 2, and the variable's name right after the
// program's, with the reason and nothing of the framework before it.
func TestServe_RefusesConfigurationThatWouldWidenAccessWithExit2(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"empty admin address", map[string]string{"CUSTOMER_ADMIN_ADDR": ""}, "CUSTOMER_ADMIN_ADDR"},
		{"empty API address", map[string]string{"CUSTOMER_HTTP_ADDR": ""}, "CUSTOMER_HTTP_ADDR"},
		{"empty data directory", map[string]string{"CUSTOMER_DATA_DIR": ""}, "CUSTOMER_DATA_DIR"},
		{"token secret of one character", map[string]string{"CUSTOMER_TOKEN_SECRET": "x"}, "CUSTOMER_TOKEN_SECRET"},
		{"token secrets all blank", map[string]string{"CUSTOMER_TOKEN_SECRET": " , "}, "CUSTOMER_TOKEN_SECRET"},
		{"log level fatal", map[string]string{"CUSTOMER_LOG_LEVEL": "fatal"}, "CUSTOMER_LOG_LEVEL"},
		{"request timeout of a nanosecond", map[string]string{"CUSTOMER_REQUEST_TIMEOUT": "1ns"}, "CUSTOMER_REQUEST_TIMEOUT"},
		{"unknown key in the configuration file", map[string]string{"CUSTOMER_CONFIG_FILE": "tokn_secret: 0123456789abcdef0123456789abcdef\n"}, "CUSTOMER_CONFIG_FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			env := map[string]string{"CUSTOMER_DATA_DIR": dir}
			for k, v := range tt.env {
				if k == bootstrap.ConfigFileVariable { // v is the file's contents
					path := filepath.Join(t.TempDir(), "customer.yaml")
					if err := os.WriteFile(path, []byte(v), 0o600); err != nil {
						t.Fatal(err)
					}
					v = path
				}
				env[k] = v
			}
			code, stdout, stderr := runCommand(t, env)
			if code != 2 || stdout != "" {
				t.Fatalf("exit %d, stdout %q; want 2 and nothing (stderr %q)", code, stdout, stderr)
			}
			if !strings.HasPrefix(stderr, "customer-service: "+tt.want+" ") && !strings.HasPrefix(stderr, "customer-service: "+tt.want+":") {
				t.Errorf("stderr %q, want the variable %s first", stderr, tt.want)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("the data directory exists after a refused configuration (%v)", err)
			}
		})
	}
}

// The binary the image runs says the same on its own stderr, where the
// service's and fx's logs go too: a refused configuration exits 2 with
// the variable's name first, and a store that cannot open exits 1 with
// its cause first, fx's account of it left to the debug level.
func TestBinary_SaysWhyItCannotStartFirst(t *testing.T) {
	bin := servicetest.BuildBinary(t)
	damaged := t.TempDir()
	if err := os.WriteFile(filepath.Join(damaged, "customers.db"), []byte(strings.Repeat("not a database ", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		env      []string
		wantCode int
		want     string // the start of stderr
		names    string // what it names after that
	}{
		{"empty admin address", []string{"CUSTOMER_ADMIN_ADDR=", "CUSTOMER_DATA_DIR=" + t.TempDir()}, 2, "customer-service: CUSTOMER_ADMIN_ADDR ", ""},
		{"damaged database file", []string{"CUSTOMER_DATA_DIR=" + damaged, "CUSTOMER_HTTP_ADDR=127.0.0.1:0", "CUSTOMER_ADMIN_ADDR=127.0.0.1:0"}, 1,
			"customer-service: the database file is damaged", filepath.Join(damaged, "customers.db")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(bin)
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "CUSTOMER_") {
					cmd.Env = append(cmd.Env, kv)
				}
			}
			cmd.Env = append(cmd.Env, tt.env...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != tt.wantCode {
				t.Fatalf("%v, want exit code %d (stderr %q)", err, tt.wantCode, stderr.String())
			}
			if !strings.HasPrefix(stderr.String(), tt.want) || !strings.Contains(stderr.String(), tt.names) {
				t.Errorf("stderr %q, want it to start with %q and name %q", stderr.String(), tt.want, tt.names)
			}
			if lines := strings.Count(stderr.String(), "\n"); lines > 3 {
				t.Errorf("stderr holds %d lines, want the reason in a few:\n%s", lines, stderr.String())
			}
		})
	}
}
