package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/bootstrap"
)

// healthcheck calls micro.ping on the configured port of this host. It
// exists because the service image has no shell, curl or wget for a
// container healthcheck to run.
func healthcheck(cfg bootstrap.Config, stderr io.Writer) int {
	_, port, err := net.SplitHostPort(cfg.HTTPAddr)
	if err != nil {
		fmt.Fprintln(stderr, "healthcheck:", err)
		return 1
	}
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + net.JoinHostPort("127.0.0.1", port) + httpapi.BasePath + "micro.ping")
	if err != nil {
		fmt.Fprintln(stderr, "healthcheck:", err)
		return 1
	}
	defer resp.Body.Close()
	var body struct {
		OK bool `json:"ok"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&body) != nil || !body.OK {
		fmt.Fprintln(stderr, "healthcheck: micro.ping answered", resp.Status)
		return 1
	}
	return 0
}
