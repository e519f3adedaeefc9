// Package configs holds the service's documented defaults. They are
// compiled in, so the binary (and its FROM scratch image) needs no file
// beside it and is configured through CUSTOMER_* variables alone.
package configs

import _ "embed"

//go:embed config.yaml
var Defaults []byte
