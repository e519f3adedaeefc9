package bootstrap

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

func developmentSecret(dataDir string) ([]byte, error) {
	path := filepath.Join(dataDir, developmentSecretFile)
	b, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("development token secret: %w", err)
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
