package system

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/test/containers"
	"github.com/microbase-io/customer-service/test/servicetest"
)

// composeCommand finds Compose: the docker plugin or the standalone tool.
func composeCommand(t *testing.T) []string {
	t.Helper()
	if exec.Command("docker", "compose", "version").Run() == nil {
		return []string{"docker", "compose"}
	}
	if path, err := exec.LookPath("docker-compose"); err == nil {
		return []string{path}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Docker Compose is not installed, and CI must check the deployment example")
	}
	t.Skip("Docker Compose is not installed: the deployment example is not checked")
	return nil
}

// The deployment example of the README, configs/docker-compose.yml, comes
// up healthy with the local images and serves a customer.
func TestComposeDeploymentComesUpHealthy(t *testing.T) {
	containers.RequireDocker(t)
	compose := composeCommand(t)
	port := freePort(t)
	project := fmt.Sprintf("cstest%d", time.Now().UnixNano())
	file, err := filepath.Abs("../../configs/docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		full := append(append([]string{}, compose[1:]...), append([]string{"-f", file, "-p", project}, args...)...)
		cmd := exec.CommandContext(ctx, compose[0], full...)
		cmd.Env = append(os.Environ(), "CUSTOMER_TOKEN_SECRET="+servicetest.Secret, fmt.Sprintf("CUSTOMER_PORT=%d", port))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("compose %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(run("logs", "--no-color"))
		}
		run("down", "-v", "--remove-orphans")
	})
	run("up", "-d")
	if t.Failed() {
		return
	}

	deadline := time.Now().Add(90 * time.Second)
	for !strings.Contains(run("ps"), "(healthy)") {
		if time.Now().After(deadline) {
			t.Fatal("the customer service never became healthy")
		}
		time.Sleep(2 * time.Second)
	}
	api := servicetest.Client{
		URL:   fmt.Sprintf("http://127.0.0.1:%d/services/customer/v1/", port),
		Token: servicetest.Token(t, servicetest.Secret, "api"),
	}
	id := api.Call(t, "customer.create", map[string]any{
		"email": "compose@example.com", "password": "s3cret-pass", "firstName": "C", "lastName": "D",
	}).Customer(t)["id"]
	if got := api.Call(t, "customer.info", map[string]any{"id": id}).Customer(t); got["email"] != "compose@example.com" {
		t.Fatalf("info %v", got)
	}
	req, _ := http.NewRequest(http.MethodGet, api.URL+"micro.ping", nil)
	if a := servicetest.Do(t, req); a.Body["answer"] != "pong" {
		t.Fatalf("ping %s", a.Raw)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
