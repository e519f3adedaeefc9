package containers

import (
	"context"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/log"
)

const (
	// operationTimeout bounds each call to the Docker engine so that a stuck
	// engine fails the test instead of hanging it until go test's timeout.
	operationTimeout = 2 * time.Minute
	stopTimeout      = 10 * time.Second
	// maxLogBytes keeps the tail of a chatty container's log readable.
	maxLogBytes = 64 << 10
)

// Container is a running container that the test owns.
type Container struct {
	ctr   *testcontainers.DockerContainer
	alias string
}

// StartImage starts a container from image, which must already be in the
// local Docker engine (it is never pulled), and returns once opts' wait
// strategy is satisfied. Options are testcontainers' own (WithEnv,
// WithExposedPorts, WithWaitStrategy, ...) plus [OnNetwork].
//
// The container and its anonymous volumes are removed when the test ends;
// if the test failed, its logs are written to the test log first.
func StartImage(t testing.TB, image string, opts ...testcontainers.ContainerCustomizer) *Container {
	t.Helper()
	return startImage(t, image, false, "build it first (make test-images)", opts)
}

func startImage(t testing.TB, image string, mayPull bool, missingHint string, opts []testcontainers.ContainerCustomizer) *Container {
	t.Helper()
	RequireDocker(t)
	cli, _ := dockerClient()

	req := testcontainers.GenericContainerRequest{
		ContainerRequest: testcontainers.ContainerRequest{Image: image},
		Started:          true,
		Logger:           log.TestLogger(t),
	}
	for _, opt := range opts {
		if err := opt.Customize(&req); err != nil {
			t.Fatalf("container options for %s: %v", image, err)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), operationTimeout)
	defer cancel()

	// testcontainers pulls any image it does not find locally, retrying for
	// minutes when the registry is unreachable. A missing local image is a
	// build step not run, so say that at once.
	if !mayPull {
		if _, err := cli.ImageInspect(ctx, req.Image); err != nil {
			if cerrdefs.IsNotFound(err) {
				t.Fatalf("Docker image %s is not in the local engine: %s", req.Image, missingHint)
			}
			t.Fatalf("inspect Docker image %s: %v", req.Image, err)
		}
	}

	ctr, err := testcontainers.GenericContainer(ctx, req)
	c := &Container{alias: firstAlias(req.ContainerRequest)}
	if ctr != nil {
		c.ctr = ctr.(*testcontainers.DockerContainer)
	}
	// Registered before the error check: a container that started but never
	// became ready must be removed too, and its logs say why it failed.
	t.Cleanup(func() { c.remove(t) })
	if err != nil {
		t.Fatalf("start %s: %v", req.Image, err)
	}
	return c
}

func firstAlias(req testcontainers.ContainerRequest) string {
	for _, nw := range req.Networks {
		if aliases := req.NetworkAliases[nw]; len(aliases) > 0 {
			return aliases[0]
		}
	}
	return ""
}

// Alias is the name other containers on its network reach it by, or "" when
// it was not started with [OnNetwork].
func (c *Container) Alias() string { return c.alias }

// Endpoint returns the "host:port" where the test process reaches the
// container's port (such as "3005/tcp"). Ask again after [Container.Start]:
// Docker may map a different host port.
func (c *Container) Endpoint(t testing.TB, port string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), operationTimeout)
	defer cancel()
	host, err := c.ctr.Host(ctx)
	if err != nil {
		t.Fatalf("host of container %s: %v", c.shortID(), err)
	}
	mapped, err := c.ctr.MappedPort(ctx, port)
	if err != nil {
		t.Fatalf("host port for %s of container %s: %v", port, c.shortID(), err)
	}
	return net.JoinHostPort(host, mapped.Port())
}

// Pause freezes every process in the container: connections stay open but
// nothing answers, as with a hung server or a network partition.
func (c *Container) Pause(t testing.TB) {
	t.Helper()
	c.engine(t, "pause", func(ctx context.Context, cli *testcontainers.DockerClient) error {
		_, err := cli.ContainerPause(ctx, c.ctr.GetContainerID(), client.ContainerPauseOptions{})
		return err
	})
}

// Unpause resumes a container frozen by [Container.Pause].
func (c *Container) Unpause(t testing.TB) {
	t.Helper()
	c.engine(t, "unpause", func(ctx context.Context, cli *testcontainers.DockerClient) error {
		_, err := cli.ContainerUnpause(ctx, c.ctr.GetContainerID(), client.ContainerUnpauseOptions{})
		return err
	})
}

// Stop stops the container gracefully (SIGTERM, then SIGKILL after ten
// seconds); its volumes, hence its data, are kept for [Container.Start].
func (c *Container) Stop(t testing.TB) {
	t.Helper()
	c.engine(t, "stop", func(ctx context.Context, _ *testcontainers.DockerClient) error {
		timeout := stopTimeout
		return c.ctr.Stop(ctx, &timeout)
	})
}

// Start starts a stopped container again and waits until it is ready, by the
// same strategy as when it was first started.
func (c *Container) Start(t testing.TB) {
	t.Helper()
	c.engine(t, "start", func(ctx context.Context, _ *testcontainers.DockerClient) error {
		return c.ctr.Start(ctx)
	})
}

// ProcessState is what Docker reports of the container's main process.
type ProcessState struct {
	Running bool
	// StartedAt changes whenever the process is started again, by
	// [Container.Start] or by a restart policy.
	StartedAt    string
	RestartCount int
}

// Process reports the state of the container's main process, so a test can
// tell a service that rode out a fault from one that was restarted.
func (c *Container) Process(t testing.TB) ProcessState {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), operationTimeout)
	defer cancel()
	info, err := c.ctr.Inspect(ctx)
	if err != nil {
		t.Fatalf("inspect container %s: %v", c.shortID(), err)
	}
	return ProcessState{Running: info.State.Running, StartedAt: info.State.StartedAt, RestartCount: info.RestartCount}
}

// Logs returns what the container wrote to stdout and stderr so far.
func (c *Container) Logs(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), operationTimeout)
	defer cancel()
	logs, err := c.readLogs(ctx)
	if err != nil {
		t.Fatalf("logs of container %s: %v", c.shortID(), err)
	}
	return string(logs)
}

func (c *Container) readLogs(ctx context.Context) ([]byte, error) {
	rc, err := c.ctr.Logs(ctx)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func (c *Container) engine(t testing.TB, action string, do func(context.Context, *testcontainers.DockerClient) error) {
	t.Helper()
	cli, err := dockerClient()
	if err != nil {
		t.Fatalf("%s container: %v", action, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), operationTimeout)
	defer cancel()
	if err := do(ctx, cli); err != nil {
		t.Fatalf("%s container %s: %v", action, c.shortID(), err)
	}
}

func (c *Container) remove(t testing.TB) {
	t.Helper()
	if c.ctr == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), operationTimeout)
	defer cancel()

	if t.Failed() {
		c.logLogs(ctx, t)
	}
	// A container left paused by a failed fault-injection test would
	// otherwise have to be killed frozen; resuming it first lets it stop.
	if state, err := c.ctr.State(ctx); err == nil && state.Paused {
		if cli, err := dockerClient(); err == nil {
			_, _ = cli.ContainerUnpause(ctx, c.ctr.GetContainerID(), client.ContainerUnpauseOptions{})
		}
	}
	err := testcontainers.TerminateContainer(c.ctr,
		testcontainers.StopContext(ctx), testcontainers.StopTimeout(stopTimeout))
	if err != nil && !cerrdefs.IsNotFound(err) {
		t.Errorf("remove container %s: %v", c.shortID(), err)
	}
}

func (c *Container) logLogs(ctx context.Context, t testing.TB) {
	t.Helper()
	logs, err := c.readLogs(ctx)
	if err != nil {
		t.Logf("logs of container %s (%s) unavailable: %v", c.shortID(), c.ctr.Image, err)
		if len(logs) == 0 {
			return
		}
	}
	skipped := ""
	if len(logs) > maxLogBytes {
		skipped = fmt.Sprintf(" (first %d bytes skipped)", len(logs)-maxLogBytes)
		logs = logs[len(logs)-maxLogBytes:]
	}
	t.Logf("logs of container %s (%s)%s:\n%s", c.shortID(), c.ctr.Image, skipped, logs)
}

func (c *Container) shortID() string {
	const n = 12 // as `docker ps` shows it
	if len(c.ctr.ID) > n {
		return c.ctr.ID[:n]
	}
	return c.ctr.ID
}
