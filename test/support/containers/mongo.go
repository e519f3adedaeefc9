package containers

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const (
	// MongoImageEnv names the environment variable that replaces the test
	// database image, for example with mongo:7 to run the same tests against
	// real MongoDB. That image may be pulled.
	MongoImageEnv = "MONGO_IMAGE"
	// DefaultMongoImage is the project's FerretDB-based test database,
	// built from test/mongoserver.
	DefaultMongoImage = "customer-service-testdb:dev"

	mongoPort    = "27017/tcp"
	mongoStartup = time.Minute
)

// Mongo is a running MongoDB-compatible server.
type Mongo struct {
	*Container
}

// StartMongo starts DefaultMongoImage, or the image named by MONGO_IMAGE, and
// returns once it answers a ping. Pass [OnNetwork] to make it reachable from
// other containers.
func StartMongo(t testing.TB, opts ...testcontainers.ContainerCustomizer) *Mongo {
	t.Helper()
	image, mayPull := MongoImage()
	base := []testcontainers.ContainerCustomizer{
		testcontainers.WithExposedPorts(mongoPort),
		testcontainers.WithWaitStrategy(mongoPing{}),
	}
	hint := "run make test-images, or set " + MongoImageEnv + " to a MongoDB image"
	return &Mongo{Container: startImage(t, image, mayPull, hint, append(base, opts...))}
}

// MongoImage is the database image tests run: MONGO_IMAGE, which may be
// pulled, or DefaultMongoImage, which is built locally.
func MongoImage() (image string, mayPull bool) {
	if image := os.Getenv(MongoImageEnv); image != "" {
		return image, true
	}
	return DefaultMongoImage, false
}

// URI is the connection string for a driver in the test process, such as
// mongodb://localhost:32768/. Ask again after [Container.Start]: the host
// port may change.
func (m *Mongo) URI(t testing.TB) string {
	t.Helper()
	return "mongodb://" + m.Endpoint(t, mongoPort) + "/"
}

// NetworkURI is the connection string for other containers on its network,
// such as mongodb://db:27017/, or "" when it was not started with [OnNetwork].
func (m *Mongo) NetworkURI() string {
	if m.Alias() == "" {
		return ""
	}
	return "mongodb://" + m.Alias() + ":27017/"
}

// mongoPing waits until the server answers a ping. Waiting for the port
// alone is not enough: Docker's port proxy accepts connections before the
// server inside listens, and a scratch image has no shell for testcontainers'
// in-container port check.
type mongoPing struct{}

func (mongoPing) String() string { return "MongoDB ping" }

func (mongoPing) WaitUntilReady(ctx context.Context, target wait.StrategyTarget) error {
	ctx, cancel := context.WithTimeout(ctx, mongoStartup)
	defer cancel()

	var lastErr error
	for {
		if state, err := target.State(ctx); err == nil && !state.Running {
			return fmt.Errorf("container is %s (exit code %d) before answering a ping", state.Status, state.ExitCode)
		}
		if lastErr = pingOnce(ctx, target); lastErr == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("no ping answer within %s: %w", mongoStartup, lastErr)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func pingOnce(ctx context.Context, target wait.StrategyTarget) error {
	host, err := target.Host(ctx)
	if err != nil {
		return err
	}
	port, err := target.MappedPort(ctx, mongoPort)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	client, err := mongo.Connect(options.Client().
		ApplyURI(fmt.Sprintf("mongodb://%s:%s/", host, port.Port())).
		SetServerSelectionTimeout(2 * time.Second))
	if err != nil {
		return err
	}
	defer func() { _ = client.Disconnect(context.Background()) }()
	return client.Ping(ctx, nil)
}
