// Package system runs the service as it is deployed: its image and the
// database image on a private Docker network, the service reaching the
// database by its network alias, the test calling the API from outside
// with a real token.
package system

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/microbase-io/customer-service/test/support/containers"
	"github.com/microbase-io/customer-service/test/support/servicetest"
	"github.com/microbase-io/customer-service/test/support/storetest"
)

// deployment is one database and the environment a service container
// needs to use it.
type deployment struct {
	network *containers.Network
	db      *containers.Mongo
	env     map[string]string
}

func deploy(t *testing.T) *deployment {
	t.Helper()
	containers.RequireDocker(t)
	network := containers.NewNetwork(t)
	db := containers.StartMongo(t, containers.OnNetwork(network, "mongo"))
	return &deployment{
		network: network,
		db:      db,
		env: map[string]string{
			"CUSTOMER_MONGODB_URI":  db.NetworkURI(),
			"CUSTOMER_TOKEN_SECRET": servicetest.Secret,
			"CUSTOMER_BCRYPT_COST":  "4",
		},
	}
}

// database connects the test process to the deployment's database, to
// check what was stored without going through the service. Connect again
// after the database container restarts: its host port may change.
func (d *deployment) database(t *testing.T) storetest.Inspector {
	t.Helper()
	client, err := mongo.Connect(options.Client().ApplyURI(d.db.URI(t)))
	if err != nil {
		t.Fatalf("connect to the database: %v", err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	return storetest.MongoDB(client.Database("customer"))
}

func (d *deployment) startService(t *testing.T, alias string) (*containers.Service, servicetest.Client) {
	t.Helper()
	svc := containers.StartService(t, d.env, containers.OnNetwork(d.network, alias))
	return svc, servicetest.Client{URL: svc.URL(t), Token: servicetest.Token(t, servicetest.Secret, "api")}
}

func TestLifecycleAgainstTheImages(t *testing.T) {
	d := deploy(t)
	_, api := d.startService(t, "customer")

	created := api.Call(t, "customer.create", map[string]any{
		"email": "ada@example.com", "password": "s3cret-pass", "firstName": "Ada", "lastName": "Lovelace",
		"addresses": []any{map[string]any{"name": "Home", "firstName": "Ada", "address_1": "12 St James's Square",
			"postCode": "SW1Y 4JH", "city": "London", "state": "London", "country": "GB"}},
	}).Customer(t)
	id := created["id"]
	updated := api.Call(t, "customer.update", map[string]any{"id": id, "lastName": "King", "tags": []string{"VIP"}}).Customer(t)
	if updated["lastName"] != "King" || updated["version"] != 1.0 {
		t.Fatalf("updated %v", updated)
	}
	if got := api.Call(t, "customer.info", map[string]any{"id": id}).Customer(t); got["lastName"] != "King" {
		t.Fatalf("info %v", got)
	}
	api.Call(t, "customer.update", map[string]any{"id": id, "lastName": "Byron", "version": 0}).Error(t, http.StatusConflict, "version_conflict")

	bad := servicetest.Client{URL: api.URL, Token: servicetest.Token(t, "another deployment's secret, 32 bytes or more", "api")}
	bad.Call(t, "customer.info", map[string]any{"id": id}).Error(t, http.StatusUnauthorized, "invalid_token")
}

func TestRestartingTheServiceLosesNothing(t *testing.T) {
	d := deploy(t)
	svc, api := d.startService(t, "customer")
	var ids []any
	for i := range 5 {
		ids = append(ids, api.Call(t, "customer.create", map[string]any{
			"email": fmt.Sprintf("c%d@example.com", i), "password": "s3cret-pass", "firstName": "C", "lastName": fmt.Sprint(i),
		}).Customer(t)["id"])
	}
	api.Call(t, "customer.update", map[string]any{"id": ids[0], "tags": []string{"KEPT"}}).Customer(t)

	svc.Stop(t)
	svc.Start(t)
	api.URL = svc.URL(t)

	for i, id := range ids {
		got := api.Call(t, "customer.info", map[string]any{"id": id}).Customer(t)
		if got["email"] != fmt.Sprintf("c%d@example.com", i) {
			t.Fatalf("after restart customer %d is %v", i, got)
		}
	}
	if got := api.Call(t, "customer.info", map[string]any{"id": ids[0]}).Customer(t); fmt.Sprint(got["tags"]) != "[KEPT]" {
		t.Fatalf("after restart tags = %v, want [KEPT]", got["tags"])
	}
}

// Two service containers share one database; in every round the same
// email is fired at both at once (on create, and on update of two existing
// customers). The unique index must let exactly one win each time.
func TestTwoInstancesNeverLetTwoCustomersShareAnEmail(t *testing.T) {
	d := deploy(t)
	_, first := d.startService(t, "customer-a")
	_, second := d.startService(t, "customer-b")
	apis := []servicetest.Client{first, second}

	const rounds = 20
	for round := range rounds {
		email := fmt.Sprintf("race%d@example.com", round)
		answers := make([]servicetest.Answer, 4)
		var wg sync.WaitGroup
		for i := range answers {
			wg.Go(func() {
				answers[i] = apis[i%2].Call(t, "customer.create", map[string]any{
					"email": email, "password": "s3cret-pass", "firstName": "R", "lastName": fmt.Sprint(i),
				})
			})
		}
		wg.Wait()
		exactlyOneWins(t, fmt.Sprintf("round %d: creations of %s", round, email), answers)
	}

	// The same race through customer.update: two customers move to one
	// new email at once, each through a different instance.
	var ids [2]any
	for i := range ids {
		ids[i] = first.Call(t, "customer.create", map[string]any{
			"email": fmt.Sprintf("mover%d@example.com", i), "password": "s3cret-pass", "firstName": "M", "lastName": "V",
		}).Customer(t)["id"]
	}
	for round := range rounds {
		email := fmt.Sprintf("target%d@example.com", round)
		answers := make([]servicetest.Answer, 2)
		var wg sync.WaitGroup
		for i := range answers {
			wg.Go(func() {
				answers[i] = apis[i].Call(t, "customer.update", map[string]any{"id": ids[i], "email": email})
			})
		}
		wg.Wait()
		exactlyOneWins(t, fmt.Sprintf("round %d: updates to %s", round, email), answers)
	}
}

// exactlyOneWins checks a race for one email: one answer ok, every other
// one duplicate_key.
func exactlyOneWins(t *testing.T, race string, answers []servicetest.Answer) {
	t.Helper()
	won := 0
	for _, a := range answers {
		switch {
		case a.Status == http.StatusOK:
			won++
		case a.Status != http.StatusConflict || a.Body["error"] != "duplicate_key":
			t.Fatalf("%s: answer %d %s, want ok or duplicate_key", race, a.Status, a.Raw)
		}
	}
	if won != 1 {
		t.Fatalf("%s: %d succeeded, want exactly 1", race, won)
	}
}
