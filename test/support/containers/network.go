package containers

import (
	"context"
	"testing"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/network"
)

// Network is a private Docker network on which containers reach each other
// by alias, as the service reaches its database in production.
type Network struct {
	name string
}

// NewNetwork creates a network with a unique name, removed when the test and
// its subtests are over. Create it before the containers that join it, so
// that it is removed after them.
func NewNetwork(t testing.TB) *Network {
	t.Helper()
	RequireDocker(t)

	ctx, cancel := context.WithTimeout(context.Background(), operationTimeout)
	defer cancel()
	nw, err := network.New(ctx)
	testcontainers.CleanupNetwork(t, nw)
	if err != nil {
		t.Fatalf("create Docker network: %v", err)
	}
	return &Network{name: nw.Name}
}

// OnNetwork attaches the container to n, where other containers reach it as
// alias.
func OnNetwork(n *Network, alias string) testcontainers.CustomizeRequestOption {
	return func(req *testcontainers.GenericContainerRequest) error {
		req.Networks = append(req.Networks, n.name)
		if req.NetworkAliases == nil {
			req.NetworkAliases = map[string][]string{}
		}
		req.NetworkAliases[n.name] = append(req.NetworkAliases[n.name], alias)
		return nil
	}
}
