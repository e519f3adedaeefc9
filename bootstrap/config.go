// Package bootstrap wires the service together with fx: configuration,
// logging, the database (an external MongoDB or the embedded store), the
// repository, the use cases and the HTTP server. It is the only package
// that knows every piece.
package bootstrap

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
	"go.yaml.in/yaml/v3"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/configs"
)

// Config is every setting of the service. configs/config.yaml documents
// each one; the CUSTOMER_* names are a contract with deployments.
type Config struct {
	HTTPAddr        string        `yaml:"http_addr" env:"CUSTOMER_HTTP_ADDR"`
	AdminAddr       string        `yaml:"admin_addr" env:"CUSTOMER_ADMIN_ADDR"`
	Pprof           bool          `yaml:"pprof" env:"CUSTOMER_PPROF"`
	MongoDBURI      string        `yaml:"mongodb_uri" env:"CUSTOMER_MONGODB_URI"`
	MongoDBDatabase string        `yaml:"mongodb_database" env:"CUSTOMER_MONGODB_DATABASE"`
	DataDir         string        `yaml:"data_dir" env:"CUSTOMER_DATA_DIR"`
	TokenSecret     string        `yaml:"token_secret" env:"CUSTOMER_TOKEN_SECRET"`
	TokenScope      string        `yaml:"token_scope" env:"CUSTOMER_TOKEN_SCOPE"`
	TokenMaxTTL     time.Duration `yaml:"token_max_ttl" env:"CUSTOMER_TOKEN_MAX_TTL"`
	LogFormat       string        `yaml:"log_format" env:"CUSTOMER_LOG_FORMAT"`
	LogLevel        string        `yaml:"log_level" env:"CUSTOMER_LOG_LEVEL"`
	BcryptCost      int           `yaml:"bcrypt_cost" env:"CUSTOMER_BCRYPT_COST"`
	RequestTimeout  time.Duration `yaml:"request_timeout" env:"CUSTOMER_REQUEST_TIMEOUT"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout" env:"CUSTOMER_SHUTDOWN_TIMEOUT"`
	MaxBodyBytes    int64         `yaml:"max_body_bytes" env:"CUSTOMER_MAX_BODY_BYTES"`
	AMQPURL         string        `yaml:"amqp_url" env:"CUSTOMER_AMQP_URL"`
	AMQPExchange    string        `yaml:"amqp_exchange" env:"CUSTOMER_AMQP_EXCHANGE"`
	OutboxLease     time.Duration `yaml:"outbox_lease" env:"CUSTOMER_OUTBOX_LEASE"`
	OutboxMaxEvents int           `yaml:"outbox_max_events" env:"CUSTOMER_OUTBOX_MAX_EVENTS"`
	IdempotencyMax  int64         `yaml:"idempotency_max_bytes" env:"CUSTOMER_IDEMPOTENCY_MAX_BYTES"`
}

// ConfigFileVariable names an optional YAML file read over the defaults.
const ConfigFileVariable = "CUSTOMER_CONFIG_FILE"

// LoadConfig reads the compiled-in defaults, then the file named by
// CUSTOMER_CONFIG_FILE if any, then the environment; later sources win.
// environ is the environment as os.Environ gives it.
func LoadConfig(environ []string) (Config, error) {
	var cfg Config
	if err := yaml.Unmarshal(configs.Defaults, &cfg); err != nil {
		return Config{}, fmt.Errorf("config defaults: %w", err)
	}
	vars := env.ToMap(environ)
	if path := vars[ConfigFileVariable]; path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("config file: %w", err)
		}
		if err := yaml.Unmarshal(b, &cfg); err != nil {
			return Config{}, fmt.Errorf("config file %s: %w", path, err)
		}
	}
	if err := env.ParseWithOptions(&cfg, env.Options{Environment: vars}); err != nil {
		return Config{}, fmt.Errorf("config environment: %w", err)
	}
	return cfg, cfg.validate()
}

func (c Config) validate() error {
	var errs []error
	if c.LogFormat != "json" && c.LogFormat != "console" {
		errs = append(errs, errors.New("CUSTOMER_LOG_FORMAT must be json or console"))
	}
	if c.BcryptCost < 4 || c.BcryptCost > 31 {
		errs = append(errs, errors.New("CUSTOMER_BCRYPT_COST must be between 4 and 31"))
	}
	if c.RequestTimeout <= 0 || c.ShutdownTimeout <= 0 || c.OutboxLease <= 0 {
		errs = append(errs, errors.New("CUSTOMER_REQUEST_TIMEOUT, CUSTOMER_SHUTDOWN_TIMEOUT and CUSTOMER_OUTBOX_LEASE must be positive"))
	}
	if c.TokenMaxTTL <= 0 {
		errs = append(errs, errors.New("CUSTOMER_TOKEN_MAX_TTL must be positive"))
	}
	if c.OutboxMaxEvents < 1 || c.OutboxMaxEvents > 10000 {
		errs = append(errs, errors.New("CUSTOMER_OUTBOX_MAX_EVENTS must be between 1 and 10000"))
	}
	if c.IdempotencyMax < minIdempotencyMax {
		errs = append(errs, errors.New("CUSTOMER_IDEMPOTENCY_MAX_BYTES must be at least 1048576 (the record of one write of the largest customer must fit)"))
	}
	if c.MaxBodyBytes <= 0 {
		errs = append(errs, errors.New("CUSTOMER_MAX_BODY_BYTES must be positive"))
	}
	// Two listeners on one address would fail at start with a less clear
	// message; port 0 (any free port, in tests) is the exception.
	if c.AdminAddr == "" || c.AdminAddr == c.HTTPAddr && !strings.HasSuffix(c.AdminAddr, ":0") {
		errs = append(errs, errors.New("CUSTOMER_ADMIN_ADDR must be set, apart from CUSTOMER_HTTP_ADDR"))
	}
	if c.MongoDBDatabase == "" || strings.TrimSpace(c.TokenScope) == "" {
		errs = append(errs, errors.New("CUSTOMER_MONGODB_DATABASE and CUSTOMER_TOKEN_SCOPE must not be empty"))
	}
	return errors.Join(errs...)
}

// OutboxLimits are what writes leave for the relay: nothing without a
// broker to publish it, at most OutboxMaxEvents per customer with one.
func (c Config) OutboxLimits() application.OutboxLimits {
	return application.OutboxLimits{Off: c.AMQPURL == "", MaxPerCustomer: c.OutboxMaxEvents}
}

// minIdempotencyMax is the smallest limit on what one subject's keyed
// writes keep: the record of one write of the largest customer (about
// 0.75 MiB of JSON before compression) must fit, or such a write with a key
// could never land.
const minIdempotencyMax = 1 << 20

// IdempotencyLimits bound what each token subject's keyed writes keep.
func (c Config) IdempotencyLimits() application.IdempotencyLimits {
	return application.IdempotencyLimits{MaxBytesPerSubject: c.IdempotencyMax}
}

// Embedded reports whether the service runs on its embedded store.
func (c Config) Embedded() bool { return c.MongoDBURI == "" }

// TokenSecrets splits the configured secrets; empty entries are dropped.
func (c Config) TokenSecrets() [][]byte {
	var secrets [][]byte
	for s := range strings.SplitSeq(c.TokenSecret, ",") {
		if s = strings.TrimSpace(s); s != "" {
			secrets = append(secrets, []byte(s))
		}
	}
	return secrets
}
