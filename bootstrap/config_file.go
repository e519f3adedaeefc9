package bootstrap

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ConfigFileVariable names an optional YAML file read over the defaults.
const ConfigFileVariable = "CUSTOMER_CONFIG_FILE"

// readConfigFile decodes the file at path over cfg and returns the keys it
// gives an empty or blank value. Every error names ConfigFileVariable.
func readConfigFile(path string, cfg *Config) (blankKeys []string, err error) {
	if strings.TrimSpace(path) == "" {
		return nil, fmt.Errorf("%s is set but empty: name a YAML file, or unset it", ConfigFileVariable)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ConfigFileVariable, err)
	}
	if err := decodeStrict(b, cfg); err != nil {
		return nil, fmt.Errorf("%s %s: %w", ConfigFileVariable, path, err)
	}
	var values map[string]any
	if err := yaml.Unmarshal(b, &values); err != nil {
		return nil, fmt.Errorf("%s %s: %w", ConfigFileVariable, path, err)
	}
	for key, v := range values {
		if s, isString := v.(string); v == nil || isString && strings.TrimSpace(s) == "" {
			blankKeys = append(blankKeys, key)
		}
	}
	return blankKeys, nil
}

// decodeStrict decodes one YAML document into cfg. A key Config does not
// have is an error, not ignored: a misspelt key would otherwise leave a
// setting at its default unnoticed. So is a second document, which a
// plain decode would skip.
func decodeStrict(b []byte, cfg *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	err := dec.Decode(cfg)
	if errors.Is(err, io.EOF) {
		return nil // no document: nothing set
	}
	if err != nil {
		return yamlError(err)
	}
	if err := dec.Decode(new(yaml.Node)); !errors.Is(err, io.EOF) {
		return errors.New("more than one YAML document")
	}
	return nil
}

var unknownField = regexp.MustCompile(`^(line \d+: )field (.+) not found in type \S+$`)

// yamlError says what yaml.v3 found wrong in the words of the file, not of
// the Go type it decodes into.
func yamlError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err
	}
	problems := make([]string, len(te.Errors))
	for i, p := range te.Errors {
		problems[i] = unknownField.ReplaceAllString(p, "${1}unknown key $2")
	}
	return errors.New(strings.Join(problems, "; "))
}
