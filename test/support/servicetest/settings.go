package servicetest

import (
	"slices"
	"strings"
)

// Settings is the environment a service under test runs with, in-process
// or as the built binary: both listeners on free loopback ports, its
// store in dataDir, tokens signed with Secret, the cheapest bcrypt cost,
// and JSON logs at info, whose lines tell StartProcess the addresses.
// Each override "KEY=value" replaces or adds a setting; a bare "KEY"
// leaves that variable unset (an empty value is refused for most).
func Settings(dataDir string, overrides ...string) []string {
	settings := []string{
		"CUSTOMER_HTTP_ADDR=127.0.0.1:0",
		"CUSTOMER_ADMIN_ADDR=127.0.0.1:0",
		"CUSTOMER_DATA_DIR=" + dataDir,
		"CUSTOMER_TOKEN_SECRET=" + Secret,
		"CUSTOMER_BCRYPT_COST=4",
		"CUSTOMER_LOG_FORMAT=json",
		"CUSTOMER_LOG_LEVEL=info",
	}
	for _, kv := range overrides {
		name, _, set := strings.Cut(kv, "=")
		settings = slices.DeleteFunc(settings, func(s string) bool { return strings.HasPrefix(s, name+"=") })
		if set {
			settings = append(settings, kv)
		}
	}
	return settings
}
