// Command customer-service is the MicroBase customer service.
//
//	customer-service [serve]      serve the API (configured by CUSTOMER_* variables)
//	customer-service token        print a token signed with the configured secret
//	customer-service healthcheck  exit 0 when the local service answers micro.ping
//	customer-service backup FILE  write a checked copy of the embedded store to FILE
//	customer-service restore FILE put the backup FILE in place as the embedded store
//	customer-service migrate      copy customers and their waiting events between stores
//	customer-service help         print the commands and the CUSTOMER_* variables
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	// Root certificates for TLS to a managed MongoDB from an image that
	// has none (FROM scratch); the system's roots win where they exist.
	_ "golang.org/x/crypto/x509roots/fallback"

	"github.com/microbase-io/customer-service/adapters/token"
	"github.com/microbase-io/customer-service/bootstrap"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// flags are the flags of the commands that have some: token and migrate.
type flags struct {
	subject, scope string
	ttl            time.Duration
	from, to       string
}

// commandFlags is the flag set of a command. Errors and help are printed
// by run, with the whole usage.
func commandFlags(command string, f *flags) *flag.FlagSet {
	fs := flag.NewFlagSet(command, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	switch command {
	case "token":
		fs.StringVar(&f.subject, "sub", "cli", "subject (sub claim)")
		fs.StringVar(&f.scope, "scope", "", "space-separated scopes (default: CUSTOMER_TOKEN_SCOPE)")
		fs.DurationVar(&f.ttl, "ttl", 0, "lifetime, at most CUSTOMER_TOKEN_MAX_TTL (default 1h, or that maximum if shorter)")
	case "migrate":
		fs.StringVar(&f.from, "from", "", "the store to copy: sqlite:DIR, sqlite:FILE.db (a backup) or a mongodb:// URI")
		fs.StringVar(&f.to, "to", "", "the store to copy into: sqlite:DIR or a mongodb:// URI")
	}
	return fs
}

// run returns the exit code: 2 for a command line it cannot read, which
// is answered with the usage, as any command's -h is, and 2 for a
// configuration the service refuses.
func run(args []string, stdout, stderr io.Writer) int {
	command := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		command, args = args[0], args[1:]
	}
	switch command {
	case "help":
		if len(args) == 0 {
			usage(stdout)
			return 0
		}
		return usageError(stderr, fmt.Sprintf("help takes no argument, got %q", args[0]))
	case "serve", "token", "healthcheck", "backup", "restore", "migrate":
	default:
		return usageError(stderr, fmt.Sprintf("unknown command %q", command))
	}
	var f flags
	fs := commandFlags(command, &f)
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		usage(stdout)
		return 0
	} else if err != nil {
		return usageError(stderr, command+": "+err.Error())
	}
	takesFile := command == "backup" || command == "restore"
	switch {
	case takesFile && fs.NArg() != 1:
		return usageError(stderr, fmt.Sprintf("%s takes one argument, FILE, got %d", command, fs.NArg()))
	case !takesFile && fs.NArg() > 0:
		return usageError(stderr, fmt.Sprintf("%s takes no argument, got %q", command, fs.Arg(0)))
	case command == "migrate" && (f.from == "" || f.to == ""):
		return usageError(stderr, "migrate needs -from and -to")
	}
	cfg, err := bootstrap.LoadConfig(os.Environ())
	if err != nil {
		// Each line names the variable it is about.
		fmt.Fprintln(stderr, "customer-service:", err)
		return 2
	}
	switch command {
	case "token":
		return printToken(cfg, f, stdout, stderr)
	case "healthcheck":
		return healthcheck(cfg, stderr)
	case "backup", "restore":
		return storeCommand(cfg, command, fs.Arg(0), stdout, stderr)
	case "migrate":
		return migrate(cfg, f.from, f.to, stdout, stderr)
	}
	return bootstrap.Run(cfg, stderr)
}

func usageError(stderr io.Writer, problem string) int {
	fmt.Fprintf(stderr, "customer-service: %s\n\n", problem)
	usage(stderr)
	return 2
}

// printToken lets a user call the API with curl: the token is signed with
// the secret the service verifies with, which it names on stderr. It
// makes no development secret: one made here would sign tokens no running
// service accepts.
func printToken(cfg bootstrap.Config, tf flags, stdout, stderr io.Writer) int {
	if tf.ttl == 0 {
		tf.ttl = min(time.Hour, cfg.TokenMaxTTL)
	}
	if tf.ttl > cfg.TokenMaxTTL {
		fmt.Fprintf(stderr, "customer-service token: -ttl %s is longer than CUSTOMER_TOKEN_MAX_TTL (%s): the service would refuse the token\n", tf.ttl, cfg.TokenMaxTTL)
		return 2
	}
	secret, source, err := bootstrap.SigningSecret(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "customer-service token:", err)
		return 1
	}
	if tf.scope == "" {
		tf.scope = cfg.TokenScope
	}
	issuer, err := token.NewIssuer(secret, "customer-service")
	if err == nil {
		var tok string
		tok, err = issuer.Issue(tf.subject, strings.Fields(tf.scope), tf.ttl, time.Now())
		if err == nil {
			fmt.Fprintln(stderr, "customer-service token: signed with", source)
			fmt.Fprintln(stdout, tok)
			return 0
		}
	}
	fmt.Fprintln(stderr, "customer-service token:", err)
	return 1
}
