package main

import (
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/microbase-io/customer-service/bootstrap"
	"github.com/microbase-io/customer-service/configs"
)

const usageHead = `Usage:
  customer-service [serve]      serve the API until SIGINT or SIGTERM
  customer-service token        print a token the service accepts (which secret signs it goes to stderr)
  customer-service healthcheck  exit 0 when the service on this host answers micro.ping
  customer-service backup FILE  write a checked copy of the embedded store to FILE (new), while it serves
  customer-service restore FILE put the backup FILE in place as the embedded store, the service stopped
  customer-service migrate -from SRC -to DST
                                copy the customers of SRC, with their events waiting for the broker,
                                into DST, then compare them; run again, it copies what changed since.
                                SRC and DST: sqlite:DIR (a data directory), sqlite:FILE.db (a backup,
                                as SRC only), mongodb://... (the database: the URI's path, else
                                CUSTOMER_MONGODB_DATABASE)
  customer-service help         print this help (-h and --help too)

Flags of token:
`

const usageTail = `
The API, its errors, deployment and operations: README.md in the source of
github.com/microbase-io/customer-service.
`

// usage prints the commands, the flags of token, and every CUSTOMER_*
// variable with its default and what configs/config.yaml says of it.
func usage(w io.Writer) {
	fmt.Fprint(w, usageHead)
	fs := commandFlags("token", &flags{})
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprintf(w, "\nConfiguration: CUSTOMER_* environment variables over the defaults compiled in from\n"+
		"configs/config.yaml; %s names a YAML file read between the two.\n\n", bootstrap.ConfigFileVariable)
	var doc yaml.Node
	if err := yaml.Unmarshal(configs.Defaults, &doc); err != nil || len(doc.Content) == 0 {
		fmt.Fprintln(w, "  (the compiled-in defaults cannot be read:", err, ")")
		return
	}
	settings := doc.Content[0].Content
	for i := 0; i+1 < len(settings); i += 2 {
		key, value := settings[i], settings[i+1]
		fmt.Fprintf(w, "  CUSTOMER_%s (default %q)\n", strings.ToUpper(key.Value), value.Value)
		for line := range strings.SplitSeq(key.HeadComment, "\n") {
			if line = strings.TrimSpace(strings.TrimPrefix(line, "#")); line != "" {
				fmt.Fprintln(w, "      "+line)
			}
		}
	}
	fmt.Fprint(w, usageTail)
}
