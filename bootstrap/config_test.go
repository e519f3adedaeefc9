package bootstrap

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTokenMaxTTLSetting(t *testing.T) {
	tests := []struct {
		name    string
		env     []string
		want    time.Duration
		wantErr string
	}{
		{"a day by default", nil, 24 * time.Hour, ""},
		{"set from the environment", []string{"CUSTOMER_TOKEN_MAX_TTL=15m"}, 15 * time.Minute, ""},
		{"zero is refused", []string{"CUSTOMER_TOKEN_MAX_TTL=0s"}, 0, "CUSTOMER_TOKEN_MAX_TTL"},
		{"negative is refused", []string{"CUSTOMER_TOKEN_MAX_TTL=-1h"}, 0, "CUSTOMER_TOKEN_MAX_TTL"},
		{"not a duration", []string{"CUSTOMER_TOKEN_MAX_TTL=a day"}, 0, "CUSTOMER_TOKEN_MAX_TTL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := LoadConfig(tt.env)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || cfg.TokenMaxTTL != tt.want {
				t.Fatalf("TokenMaxTTL = %v (err %v), want %v", cfg.TokenMaxTTL, err, tt.want)
			}
		})
	}
}

// goodSecret and otherGoodSecret are token secrets of token.MinSecretBytes.
const (
	goodSecret      = "0123456789abcdef0123456789abcdef"
	otherGoodSecret = "fedcba9876543210fedcba9876543210"
)

// withConfigFile writes contents to a file and returns the environment
// entry naming it.
func withConfigFile(t *testing.T, contents string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "customer.yaml")
	if err := os.WriteFile(path, []byte(contents), 0o600); err != nil {
		t.Fatal(err)
	}
	return ConfigFileVariable + "=" + path
}

// Configuration that would widen access or silence the service is refused
// with an error whose every line starts with the variable it is about,
// and never quotes a secret.
func TestConfigurationThatWouldWidenAccessOrSilenceTheServiceIsRefused(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		file string // contents of the CUSTOMER_CONFIG_FILE, if any
		want string // the variable named
	}{
		{"empty API address, which would listen on every interface", []string{"CUSTOMER_HTTP_ADDR="}, "", "CUSTOMER_HTTP_ADDR"},
		{"blank API address", []string{"CUSTOMER_HTTP_ADDR=  "}, "", "CUSTOMER_HTTP_ADDR"},
		{"API address without a port", []string{"CUSTOMER_HTTP_ADDR=localhost"}, "", "CUSTOMER_HTTP_ADDR"},
		{"empty admin address, which would listen on every interface", []string{"CUSTOMER_ADMIN_ADDR="}, "", "CUSTOMER_ADMIN_ADDR"},
		{"empty data directory, which would be ./var/data", []string{"CUSTOMER_DATA_DIR="}, "", "CUSTOMER_DATA_DIR"},
		{"empty database name", []string{"CUSTOMER_MONGODB_DATABASE="}, "", "CUSTOMER_MONGODB_DATABASE"},
		{"empty token secret, which would be the development one", []string{"CUSTOMER_TOKEN_SECRET="}, "", "CUSTOMER_TOKEN_SECRET"},
		{"token secret of one character", []string{"CUSTOMER_TOKEN_SECRET=x"}, "", "CUSTOMER_TOKEN_SECRET"},
		{"token secret one byte short", []string{"CUSTOMER_TOKEN_SECRET=" + goodSecret[1:]}, "", "CUSTOMER_TOKEN_SECRET"},
		{"token secrets all blank, which would be the development one", []string{"CUSTOMER_TOKEN_SECRET= , "}, "", "CUSTOMER_TOKEN_SECRET"},
		{"a short secret among good ones", []string{"CUSTOMER_TOKEN_SECRET=" + goodSecret + ",change-me"}, "", "CUSTOMER_TOKEN_SECRET"},
		{"a trailing comma after the secrets", []string{"CUSTOMER_TOKEN_SECRET=" + goodSecret + ","}, "", "CUSTOMER_TOKEN_SECRET"},
		{"empty token scope, which would be api", []string{"CUSTOMER_TOKEN_SCOPE="}, "", "CUSTOMER_TOKEN_SCOPE"},
		{"token scope of two words", []string{"CUSTOMER_TOKEN_SCOPE=read api"}, "", "CUSTOMER_TOKEN_SCOPE"},
		{"empty maximum token lifetime, which would be a day", []string{"CUSTOMER_TOKEN_MAX_TTL="}, "", "CUSTOMER_TOKEN_MAX_TTL"},
		{"log level fatal, which silences every error", []string{"CUSTOMER_LOG_LEVEL=fatal"}, "", "CUSTOMER_LOG_LEVEL"},
		{"log level panic", []string{"CUSTOMER_LOG_LEVEL=panic"}, "", "CUSTOMER_LOG_LEVEL"},
		{"log level dpanic", []string{"CUSTOMER_LOG_LEVEL=dpanic"}, "", "CUSTOMER_LOG_LEVEL"},
		{"request timeout of a nanosecond", []string{"CUSTOMER_REQUEST_TIMEOUT=1ns"}, "", "CUSTOMER_REQUEST_TIMEOUT"},
		{"request timeout just under the minimum", []string{"CUSTOMER_REQUEST_TIMEOUT=99ms"}, "", "CUSTOMER_REQUEST_TIMEOUT"},
		{"an answer too small for a page of customers", []string{"CUSTOMER_MAX_ANSWER_BYTES=1000"}, "", "CUSTOMER_MAX_ANSWER_BYTES"},
		{"less room for requests in flight than one answer", []string{"CUSTOMER_MAX_HELD_BYTES=1048576"}, "", "CUSTOMER_MAX_HELD_BYTES"},
		{"empty configuration file name, which would read none", []string{"CUSTOMER_CONFIG_FILE="}, "", "CUSTOMER_CONFIG_FILE"},
		{"configuration file that does not exist", []string{"CUSTOMER_CONFIG_FILE=" + filepath.Join(t.TempDir(), "absent.yaml")}, "", "CUSTOMER_CONFIG_FILE"},
		{"unknown key in the configuration file", nil, "token_secret: " + goodSecret + "\ntokn_scope: admin\n", "CUSTOMER_CONFIG_FILE"},
		{"second document in the configuration file", nil, "log_level: info\n---\ntoken_scope: admin\n", "CUSTOMER_CONFIG_FILE"},
		{"empty token secret in the configuration file", nil, "token_secret: \"\"\n", "CUSTOMER_TOKEN_SECRET"},
		{"token secret without a value in the configuration file", nil, "token_secret:\n", "CUSTOMER_TOKEN_SECRET"},
		{"short token secret in the configuration file", nil, "token_secret: change-me\n", "CUSTOMER_TOKEN_SECRET"},
		{"blank token secrets in the configuration file", nil, "token_secret: \" , \"\n", "CUSTOMER_TOKEN_SECRET"},
		{"empty admin address in the configuration file", nil, "admin_addr: \"\"\n", "CUSTOMER_ADMIN_ADDR"},
		{"empty data directory in the configuration file", nil, "data_dir: \" \"\n", "CUSTOMER_DATA_DIR"},
		{"log level fatal in the configuration file", nil, "log_level: fatal\n", "CUSTOMER_LOG_LEVEL"},
		{"the environment cannot empty what the file sets", []string{"CUSTOMER_TOKEN_SECRET="}, "token_secret: " + goodSecret + "\n", "CUSTOMER_TOKEN_SECRET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := tt.env
			if tt.file != "" {
				env = append([]string{withConfigFile(t, tt.file)}, env...)
			}
			_, err := LoadConfig(env)
			if err == nil {
				t.Fatalf("accepted; want a refusal naming %s", tt.want)
			}
			lines := strings.Split(err.Error(), "\n")
			if !strings.HasPrefix(lines[0], tt.want) {
				t.Errorf("error %q does not start with %s", err, tt.want)
			}
			for _, line := range lines {
				if !strings.HasPrefix(line, "CUSTOMER_") {
					t.Errorf("a line of the error does not start with the variable it is about: %q", line)
				}
			}
			for _, secret := range []string{"change-me", goodSecret[1:]} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q quotes the secret", err)
				}
			}
		})
	}
}

// What the refusals leave alone: unset settings keep their defaults, a
// setting whose empty value means "none" may be empty, and values at the
// bounds are accepted.
func TestAcceptedConfiguration(t *testing.T) {
	tests := []struct {
		name  string
		env   []string
		file  string
		check func(Config) bool
	}{
		{"unset: the defaults, the development secret", nil, "", func(c Config) bool {
			return c.HTTPAddr == ":3005" && c.AdminAddr == ":9005" && c.DataDir == "./var/data" && c.TokenSecret == "" && c.LogLevel == "info"
		}},
		{"empty MongoDB URI: the embedded store", []string{"CUSTOMER_MONGODB_URI="}, "", func(c Config) bool { return c.Embedded() }},
		{"empty broker URL: no events", []string{"CUSTOMER_AMQP_URL="}, "", func(c Config) bool { return c.OutboxLimits().Off }},
		{"a secret of exactly the minimum", []string{"CUSTOMER_TOKEN_SECRET=" + goodSecret}, "", func(c Config) bool {
			return len(c.TokenSecrets()) == 1 && string(c.TokenSecrets()[0]) == goodSecret
		}},
		{"two secrets, spaces around the comma", []string{"CUSTOMER_TOKEN_SECRET= " + goodSecret + " , " + otherGoodSecret + " "}, "", func(c Config) bool {
			s := c.TokenSecrets()
			return len(s) == 2 && string(s[0]) == goodSecret && string(s[1]) == otherGoodSecret
		}},
		{"the minimum request timeout", []string{"CUSTOMER_REQUEST_TIMEOUT=100ms"}, "", func(c Config) bool { return c.RequestTimeout == minRequestTimeout }},
		{"every log level", []string{"CUSTOMER_LOG_LEVEL=warn"}, "", func(c Config) bool { return c.LogLevel == "warn" }},
		{"a configuration file of known keys", nil, "token_secret: " + goodSecret + "\nlog_level: error\n", func(c Config) bool {
			return c.TokenSecret == goodSecret && c.LogLevel == "error"
		}},
		{"a configuration file of comments only", nil, "# nothing set here\n", func(c Config) bool { return c.HTTPAddr == ":3005" }},
		{"the environment over the configuration file", []string{"CUSTOMER_LOG_LEVEL=debug"}, "log_level: error\n", func(c Config) bool { return c.LogLevel == "debug" }},
		{"an empty MongoDB URI in the configuration file", nil, "mongodb_uri: \"\"\n", func(c Config) bool { return c.Embedded() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := tt.env
			if tt.file != "" {
				env = append([]string{withConfigFile(t, tt.file)}, env...)
			}
			cfg, err := LoadConfig(env)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(cfg) {
				t.Fatalf("config %+v", cfg)
			}
		})
	}
}

func TestPasswordSettings(t *testing.T) {
	tests := []struct {
		name    string
		env     []string
		want    [3]any // max failures, lockout, token lifetime
		wantErr string
	}{
		{"five failures, 15 min, 15 min by default", nil, [3]any{5, 15 * time.Minute, 15 * time.Minute}, ""},
		{"set from the environment", []string{"CUSTOMER_LOGIN_MAX_FAILURES=10", "CUSTOMER_LOGIN_LOCKOUT=1h", "CUSTOMER_PASSWORD_TOKEN_TTL=30m"},
			[3]any{10, time.Hour, 30 * time.Minute}, ""},
		{"no failure allowed is refused", []string{"CUSTOMER_LOGIN_MAX_FAILURES=0"}, [3]any{}, "CUSTOMER_LOGIN_MAX_FAILURES"},
		{"a lockout under a second is refused", []string{"CUSTOMER_LOGIN_LOCKOUT=500ms"}, [3]any{}, "CUSTOMER_LOGIN_LOCKOUT"},
		{"a token that dies within a minute is refused", []string{"CUSTOMER_PASSWORD_TOKEN_TTL=30s"}, [3]any{}, "CUSTOMER_PASSWORD_TOKEN_TTL"},
		{"a token that lives past a day is refused", []string{"CUSTOMER_PASSWORD_TOKEN_TTL=25h"}, [3]any{}, "CUSTOMER_PASSWORD_TOKEN_TTL"},
		{"not a number", []string{"CUSTOMER_LOGIN_MAX_FAILURES=five"}, [3]any{}, "CUSTOMER_LOGIN_MAX_FAILURES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := LoadConfig(tt.env)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := cfg.PasswordSettings()
			if got := [3]any{s.Lockout.MaxFailures, s.Lockout.Window, s.PasswordTokenTTL}; got != tt.want || s.BcryptCost != cfg.BcryptCost {
				t.Fatalf("settings %+v, want %v at cost %d", s, tt.want, cfg.BcryptCost)
			}
		})
	}
}
