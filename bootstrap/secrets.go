package bootstrap

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/microbase-io/customer-service/adapters/token"
)

// developmentSecretFile keeps the embedded store's token secret beside its
// data, so development tokens survive restarts and `customer-service
// token` signs with the secret the running service checks.
const developmentSecretFile = "development-token-secret"

// ErrSecretRequired stops a service that would otherwise accept tokens
// signed with a secret nobody configured.
var ErrSecretRequired = errors.New("CUSTOMER_TOKEN_SECRET is required when CUSTOMER_MONGODB_URI is set")

// TokenSecrets returns the secrets that verify tokens (the first signs).
// development is true when they are the embedded store's own secret, made
// on first use.
func TokenSecrets(cfg Config) (secrets [][]byte, development bool, err error) {
	if secrets := cfg.TokenSecrets(); len(secrets) > 0 {
		return secrets, false, nil
	}
	if !cfg.Embedded() {
		return nil, false, ErrSecretRequired
	}
	secret, err := developmentSecret(cfg.DataDir)
	if err != nil {
		return nil, false, err
	}
	return [][]byte{secret}, true, nil
}

// ErrNoDevelopmentSecret is asking for the development secret where no
// service on the embedded store has run: a secret made there would sign
// tokens no running service accepts.
var ErrNoDevelopmentSecret = errors.New("no development token secret")

// SigningSecret returns the secret new tokens are signed with, and says
// where it comes from (never what it is). Unlike TokenSecrets it makes no
// development secret: where none exists it returns ErrNoDevelopmentSecret.
func SigningSecret(cfg Config) (secret []byte, source string, err error) {
	if secrets := cfg.TokenSecrets(); len(secrets) > 0 {
		return secrets[0], "the first secret of CUSTOMER_TOKEN_SECRET", nil
	}
	if !cfg.Embedded() {
		return nil, "", ErrSecretRequired
	}
	path := filepath.Join(cfg.DataDir, developmentSecretFile)
	secret, err = readDevelopmentSecret(path)
	if err == nil && secret == nil {
		err = fmt.Errorf("%w in %s: start the service (make run) with this CUSTOMER_DATA_DIR first, "+
			"or set CUSTOMER_DATA_DIR to its data directory, or CUSTOMER_TOKEN_SECRET", ErrNoDevelopmentSecret, cfg.DataDir)
	}
	return secret, "the development secret in " + path, err
}

// readDevelopmentSecret returns the secret kept at path, or nil when there
// is none yet. One made here is always fit; one edited by hand may not be.
func readDevelopmentSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("development token secret: %w", err)
	}
	secret := strings.TrimSpace(string(b))
	if secret == "" {
		return nil, nil
	}
	if err := token.CheckSecret([]byte(secret)); err != nil {
		return nil, fmt.Errorf("development token secret %s: %w; remove the file to have a new one made", path, err)
	}
	return []byte(secret), nil
}

func developmentSecret(dataDir string) ([]byte, error) {
	path := filepath.Join(dataDir, developmentSecretFile)
	if secret, err := readDevelopmentSecret(path); secret != nil || err != nil {
		return secret, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("development token secret: %w", err)
	}
	var raw [32]byte
	_, _ = rand.Read(raw[:])
	secret := hex.EncodeToString(raw[:])
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("development token secret: %w", err)
	}
	return []byte(secret), nil
}
