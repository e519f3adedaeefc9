package containers

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

const (
	ryukDisabledEnv = "TESTCONTAINERS_RYUK_DISABLED"
	hostOverrideEnv = "TESTCONTAINERS_HOST_OVERRIDE"
)

// RequireDocker skips the test when no Docker engine answers, or fails it when
// the environment variable CI is true: a CI run must never pass with its
// container tests silently skipped.
func RequireDocker(t testing.TB) {
	t.Helper()
	// Not a missing engine but a setup mistake, so never a reason to skip.
	if err := reaperDisabled(); err != nil {
		t.Fatal(err)
	}
	_, err := dockerClient()
	requireDocker(t, err)
}

func requireDocker(t testing.TB, probeErr error) {
	t.Helper()
	if probeErr == nil {
		return
	}
	// One line, so the reason stays readable in `go test` summaries.
	reason := "no Docker engine: " + strings.Join(strings.Fields(probeErr.Error()), " ")
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatal(reason + " (CI=true: container tests must run)")
		return
	}
	t.Skip(reason)
}

// dockerClient connects once per test binary; the answer, good or bad, is
// shared by every test so a missing engine costs one timeout, not one per test.
var dockerClient = sync.OnceValues(func() (*testcontainers.DockerClient, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cli, err := connect(ctx)
	if err != nil {
		return nil, err
	}
	if err := publishOnLocalhostWhenDaemonIsLocal(ctx, cli); err != nil {
		return nil, err
	}
	return cli, nil
})

// reaperDisabled must run before anything reads testcontainers'
// configuration, which is read once and then cached for the life of the
// process.
var reaperDisabled = sync.OnceValue(func() error {
	if _, set := os.LookupEnv(ryukDisabledEnv); set {
		return nil
	}
	if err := os.Setenv(ryukDisabledEnv, "true"); err != nil {
		return err
	}
	if !testcontainers.ReadConfig().RyukDisabled {
		return fmt.Errorf("testcontainers read its configuration before %s=true was set; export it before running the tests", ryukDisabledEnv)
	}
	return nil
})

// publishOnLocalhostWhenDaemonIsLocal corrects testcontainers' guess of the
// host that published ports are reached on. Wherever /.dockerenv exists it
// assumes the tests run in a container beside the daemon and dials the
// default gateway; but some machines (VMs built from container images) keep
// that file while running the daemon themselves, and the gateway then
// refuses every connection. A daemon that reports this machine's own
// hostname runs here, so its published ports are on localhost.
func publishOnLocalhostWhenDaemonIsLocal(ctx context.Context, cli *testcontainers.DockerClient) error {
	if _, set := os.LookupEnv(hostOverrideEnv); set {
		return nil
	}
	if _, err := os.Stat("/.dockerenv"); err != nil {
		return nil
	}
	if !strings.HasPrefix(cli.DaemonHost(), "unix://") {
		return nil
	}
	info, err := cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		return err
	}
	if hostname, err := os.Hostname(); err != nil || hostname != info.Info.Name {
		return nil
	}
	return os.Setenv(hostOverrideEnv, "localhost")
}

// connect turns a panic into an error: testcontainers panics where it cannot
// resolve the Docker host or socket, and that must skip the test, not crash
// the whole test binary.
func connect(ctx context.Context) (cli *testcontainers.DockerClient, err error) {
	defer func() {
		if r := recover(); r != nil {
			cli, err = nil, fmt.Errorf("%v", r)
		}
	}()
	return testcontainers.NewDockerClientWithOpts(ctx)
}
