package containers

import (
	"net/http"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

const (
	// ServiceImage is the service's own image, built by make image.
	ServiceImage = "customer-service:dev"

	servicePort    = "3005/tcp"
	adminPort      = "9005/tcp"
	serviceStartup = time.Minute
	pingPath       = "/services/customer/v1/micro.ping"
)

// Service is a running service container.
type Service struct {
	*Container
}

// StartService starts ServiceImage with env (CUSTOMER_* variables) and
// returns once it answers micro.ping. Its admin port (9005: /healthz,
// /readyz, /metrics) is published too; env must not move it.
func StartService(t testing.TB, env map[string]string, opts ...testcontainers.ContainerCustomizer) *Service {
	t.Helper()
	base := []testcontainers.ContainerCustomizer{
		testcontainers.WithEnv(env),
		testcontainers.WithExposedPorts(servicePort, adminPort),
		testcontainers.WithWaitStrategy(
			wait.ForHTTP(pingPath).WithPort(servicePort).WithStatusCodeMatcher(func(status int) bool {
				return status == http.StatusOK
			}).WithStartupTimeout(serviceStartup)),
	}
	return &Service{Container: StartImage(t, ServiceImage, append(base, opts...)...)}
}

// URL is the base of the service's methods as seen from the test process,
// ending in "/". Ask again after [Container.Start]: the host port may
// change.
func (s *Service) URL(t testing.TB) string {
	t.Helper()
	return "http://" + s.Endpoint(t, servicePort) + "/services/customer/v1/"
}

// AdminURL is the base of the service's admin endpoints as seen from the
// test process, without a trailing "/". Ask again after [Container.Start].
func (s *Service) AdminURL(t testing.TB) string {
	t.Helper()
	return "http://" + s.Endpoint(t, adminPort)
}
