// Command customer-service is the MicroBase customer service.
//
//	customer-service              serve the API (configured by CUSTOMER_* variables)
//	customer-service token        print a token signed with the configured secret
//	customer-service healthcheck  exit 0 when the local service answers micro.ping
package main

import (
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

func run(args []string, stdout, stderr io.Writer) int {
	cfg, err := bootstrap.LoadConfig(os.Environ())
	if err != nil {
		fmt.Fprintln(stderr, "customer-service: config:", err)
		return 2
	}
	command := "serve"
	if len(args) > 0 {
		command, args = args[0], args[1:]
	}
	switch command {
	case "serve":
		return bootstrap.Run(cfg)
	case "token":
		return printToken(cfg, args, stdout, stderr)
	case "healthcheck":
		return healthcheck(cfg, stderr)
	default:
		fmt.Fprintf(stderr, "customer-service: unknown command %q (want serve, token or healthcheck)\n", command)
		return 2
	}
}

// printToken lets a user call the API with curl: the token is signed with
// the secret the service verifies with (the development secret too).
func printToken(cfg bootstrap.Config, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	subject := fs.String("sub", "cli", "subject (sub claim)")
	scope := fs.String("scope", cfg.TokenScope, "space-separated scopes")
	ttl := fs.Duration("ttl", min(time.Hour, cfg.TokenMaxTTL), "lifetime, at most CUSTOMER_TOKEN_MAX_TTL ("+cfg.TokenMaxTTL.String()+")")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *ttl > cfg.TokenMaxTTL {
		fmt.Fprintf(stderr, "customer-service token: -ttl %s is longer than CUSTOMER_TOKEN_MAX_TTL (%s): the service would refuse the token\n", *ttl, cfg.TokenMaxTTL)
		return 2
	}
	secrets, _, err := bootstrap.TokenSecrets(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "customer-service token:", err)
		return 1
	}
	issuer, err := token.NewIssuer(secrets[0], "customer-service")
	if err == nil {
		var tok string
		tok, err = issuer.Issue(*subject, strings.Fields(*scope), *ttl, time.Now())
		if err == nil {
			fmt.Fprintln(stdout, tok)
			return 0
		}
	}
	fmt.Fprintln(stderr, "customer-service token:", err)
	return 1
}
