// Package bootstrap wires the service together with fx: configuration,
// logging, the database (an external MongoDB or the embedded store), the
// repository, the use cases and the HTTP server. It is the only package
// that knows every piece.
package bootstrap

import (
	"errors"
	"fmt"
	"net"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/caarlos0/env/v11"

	"github.com/microbase-io/customer-service/adapters/token"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/configs"
	"github.com/microbase-io/customer-service/domain"
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
	BcryptSlots     int           `yaml:"bcrypt_slots" env:"CUSTOMER_BCRYPT_SLOTS"`
	LoginFailures   int           `yaml:"login_max_failures" env:"CUSTOMER_LOGIN_MAX_FAILURES"`
	LoginLockout    time.Duration `yaml:"login_lockout" env:"CUSTOMER_LOGIN_LOCKOUT"`
	PasswordToken   time.Duration `yaml:"password_token_ttl" env:"CUSTOMER_PASSWORD_TOKEN_TTL"`
	RequestTimeout  time.Duration `yaml:"request_timeout" env:"CUSTOMER_REQUEST_TIMEOUT"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout" env:"CUSTOMER_SHUTDOWN_TIMEOUT"`
	MaxBodyBytes    int64         `yaml:"max_body_bytes" env:"CUSTOMER_MAX_BODY_BYTES"`
	MaxAnswerBytes  int64         `yaml:"max_answer_bytes" env:"CUSTOMER_MAX_ANSWER_BYTES"`
	MaxHeldBytes    int64         `yaml:"max_held_bytes" env:"CUSTOMER_MAX_HELD_BYTES"`
	AMQPURL         string        `yaml:"amqp_url" env:"CUSTOMER_AMQP_URL"`
	AMQPExchange    string        `yaml:"amqp_exchange" env:"CUSTOMER_AMQP_EXCHANGE"`
	OutboxLease     time.Duration `yaml:"outbox_lease" env:"CUSTOMER_OUTBOX_LEASE"`
	OutboxMaxEvents int           `yaml:"outbox_max_events" env:"CUSTOMER_OUTBOX_MAX_EVENTS"`
	IdempotencyMax  int64         `yaml:"idempotency_max_bytes" env:"CUSTOMER_IDEMPOTENCY_MAX_BYTES"`
}

// minAnswerBytes keeps a list page able to hold a few ordinary customers
// (about a kilobyte each); a single larger one is answered alone.
const minAnswerBytes = 16 << 10

// minRequestTimeout is the shortest CUSTOMER_REQUEST_TIMEOUT accepted: a
// request's work may hash a password (bcrypt at the default cost takes
// tens of milliseconds) and make a database round trip, which on MongoDB
// may first open a connection. Under it, a healthy service would answer
// such calls 503 database_unavailable.
const minRequestTimeout = 100 * time.Millisecond

// logLevels are the CUSTOMER_LOG_LEVEL values: zap's dpanic, panic and
// fatal would also parse, and silence every error the service logs.
var logLevels = []string{"debug", "info", "warn", "error"}

// emptyMeansNone are the settings whose empty value has a meaning of its
// own: no MongoDB (the embedded store), no broker.
var emptyMeansNone = []string{"CUSTOMER_MONGODB_URI", "CUSTOMER_AMQP_URL"}

// LoadConfig reads the compiled-in defaults, then the file named by
// CUSTOMER_CONFIG_FILE if any, then the environment; later sources win.
// environ is the environment as os.Environ gives it. Each error names the
// CUSTOMER_* variable it is about.
//
// A setting given an empty or blank value, in the environment or in the
// file, is refused rather than left at its default (except those of
// emptyMeansNone): an empty value is most often a variable templated from
// one that does not exist, and the default may reach further than what was
// meant, such as every interface, another store or the development secret.
// Unset, a setting keeps its default.
func LoadConfig(environ []string) (Config, error) {
	var cfg Config
	if err := decodeStrict(configs.Defaults, &cfg); err != nil {
		return Config{}, fmt.Errorf("config defaults: %w", err)
	}
	vars := env.ToMap(environ)
	var blankInFile []string
	if path, set := vars[ConfigFileVariable]; set {
		var err error
		if blankInFile, err = readConfigFile(path, &cfg); err != nil {
			return Config{}, err
		}
	}
	errs := blankSettings(vars, blankInFile)
	if err := parseEnvironment(&cfg, vars); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return cfg, cfg.validate()
}

// blankSettings refuses the settings given an empty or blank value, in
// the environment or (blankKeys) in the configuration file.
func blankSettings(vars map[string]string, blankKeys []string) []error {
	var errs []error
	for _, f := range reflect.VisibleFields(reflect.TypeFor[Config]()) {
		variable, key := f.Tag.Get("env"), f.Tag.Get("yaml")
		if variable == "" || slices.Contains(emptyMeansNone, variable) {
			continue
		}
		if v, set := vars[variable]; set && strings.TrimSpace(v) == "" {
			errs = append(errs, fmt.Errorf("%s is set but empty: give it a value, or unset it to keep its default", variable))
		}
		if slices.Contains(blankKeys, key) {
			errs = append(errs, fmt.Errorf("%s is empty in %s (key %s): give it a value, or leave the key out to keep its default",
				variable, ConfigFileVariable, key))
		}
	}
	return errs
}

// parseEnvironment reads the CUSTOMER_* variables over cfg; a value that
// does not parse is reported under its variable's name.
func parseEnvironment(cfg *Config, vars map[string]string) error {
	err := env.ParseWithOptions(cfg, env.Options{Environment: vars})
	var all env.AggregateError
	if !errors.As(err, &all) {
		return err
	}
	errs := make([]error, len(all.Errors))
	for i, e := range all.Errors {
		errs[i] = e
		var pe env.ParseError
		if errors.As(e, &pe) {
			f, _ := reflect.TypeFor[Config]().FieldByName(pe.Name)
			errs[i] = fmt.Errorf("%s: %w", f.Tag.Get("env"), pe.Err)
		}
	}
	return errors.Join(errs...)
}

func (c Config) validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	for _, a := range []struct{ variable, addr string }{{"CUSTOMER_HTTP_ADDR", c.HTTPAddr}, {"CUSTOMER_ADMIN_ADDR", c.AdminAddr}} {
		_, _, err := net.SplitHostPort(a.addr)
		check(err == nil, "%s must be host:port or :port, not %q", a.variable, a.addr)
	}
	// Two listeners on one address would fail at start with a less clear
	// message; port 0 (any free port, in tests) is the exception.
	check(c.AdminAddr != c.HTTPAddr || strings.HasSuffix(c.AdminAddr, ":0"), "CUSTOMER_ADMIN_ADDR must differ from CUSTOMER_HTTP_ADDR")
	errs = append(errs, c.checkTokenSecrets()...)
	check(c.TokenScope != "" && !strings.ContainsFunc(c.TokenScope, unicode.IsSpace), "CUSTOMER_TOKEN_SCOPE must be one word, not %q", c.TokenScope)
	check(c.TokenMaxTTL > 0, "CUSTOMER_TOKEN_MAX_TTL must be positive")
	check(c.LogFormat == "json" || c.LogFormat == "console", "CUSTOMER_LOG_FORMAT must be json or console")
	check(slices.Contains(logLevels, c.LogLevel), "CUSTOMER_LOG_LEVEL must be one of %s, not %q", strings.Join(logLevels, ", "), c.LogLevel)
	check(c.BcryptCost >= 4 && c.BcryptCost <= 31, "CUSTOMER_BCRYPT_COST must be between 4 and 31")
	check(c.BcryptSlots >= 0 && c.BcryptSlots <= 1024, "CUSTOMER_BCRYPT_SLOTS must be between 0 (one per core but one) and 1024, not %d", c.BcryptSlots)
	check(c.LoginFailures >= 1, "CUSTOMER_LOGIN_MAX_FAILURES must be at least 1")
	check(c.LoginLockout >= time.Second, "CUSTOMER_LOGIN_LOCKOUT must be at least 1s, not %s", c.LoginLockout)
	check(c.PasswordToken >= time.Minute && c.PasswordToken <= 24*time.Hour, "CUSTOMER_PASSWORD_TOKEN_TTL must be between 1m and 24h, not %s", c.PasswordToken)
	check(c.RequestTimeout >= minRequestTimeout, "CUSTOMER_REQUEST_TIMEOUT must be at least %s, not %s", minRequestTimeout, c.RequestTimeout)
	check(c.ShutdownTimeout > 0, "CUSTOMER_SHUTDOWN_TIMEOUT must be positive")
	check(c.MaxBodyBytes > 0, "CUSTOMER_MAX_BODY_BYTES must be positive")
	check(c.IdempotencyMax >= minIdempotencyMax, "CUSTOMER_IDEMPOTENCY_MAX_BYTES must be at least %d (the record of one write of the largest customer must fit)", minIdempotencyMax)
	check(c.MaxAnswerBytes >= minAnswerBytes, "CUSTOMER_MAX_ANSWER_BYTES must be at least %d", minAnswerBytes)
	check(c.MaxHeldBytes >= max(c.MaxBodyBytes, c.MaxAnswerBytes), "CUSTOMER_MAX_HELD_BYTES must be at least CUSTOMER_MAX_BODY_BYTES and CUSTOMER_MAX_ANSWER_BYTES")
	check(c.OutboxLease > 0, "CUSTOMER_OUTBOX_LEASE must be positive")
	check(c.OutboxMaxEvents >= 1 && c.OutboxMaxEvents <= 10000, "CUSTOMER_OUTBOX_MAX_EVENTS must be between 1 and 10000")
	return errors.Join(errs...)
}

// checkTokenSecrets holds every configured secret to token.CheckSecret. A
// blank entry among them (" , ", a trailing comma) is refused too, so that
// no mistyped list falls back to fewer secrets or to the development one.
func (c Config) checkTokenSecrets() []error {
	if c.TokenSecret == "" {
		return nil // unset: the development secret, on the embedded store only
	}
	parts := strings.Split(c.TokenSecret, ",")
	var errs []error
	for i, s := range parts {
		if err := token.CheckSecret([]byte(strings.TrimSpace(s))); err != nil {
			if len(parts) > 1 {
				err = fmt.Errorf("secret %d of %d: %w", i+1, len(parts), err)
			}
			errs = append(errs, fmt.Errorf("CUSTOMER_TOKEN_SECRET: %w", err))
		}
	}
	return errs
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

// PasswordSettings are the settings of the use cases that hash or check
// a password.
func (c Config) PasswordSettings() application.Settings {
	return application.Settings{
		BcryptCost:       c.BcryptCost,
		BcryptSlots:      c.BcryptSlots,
		Lockout:          domain.LockoutRule{MaxFailures: c.LoginFailures, Window: c.LoginLockout},
		PasswordTokenTTL: c.PasswordToken,
	}
}

// Embedded reports whether the service runs on its embedded store.
func (c Config) Embedded() bool { return c.MongoDBURI == "" }

// TokenSecrets splits the configured secrets, trimmed of white space
// (LoadConfig has refused blank ones).
func (c Config) TokenSecrets() [][]byte {
	var secrets [][]byte
	for s := range strings.SplitSeq(c.TokenSecret, ",") {
		if s = strings.TrimSpace(s); s != "" {
			secrets = append(secrets, []byte(s))
		}
	}
	return secrets
}
