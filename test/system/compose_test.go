package system

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/microbase-io/customer-service/test/support/containers"
	"github.com/microbase-io/customer-service/test/support/servicetest"
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

// composeFile is the deployment example's path.
func composeFile(t *testing.T) string {
	t.Helper()
	file, err := filepath.Abs("../../configs/docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	return file
}

// composeRunner runs compose on the deployment example as project, with
// env added to the test's environment; a failing command fails the test.
func composeRunner(t *testing.T, project string, env ...string) func(args ...string) string {
	compose := composeCommand(t)
	file := composeFile(t)
	return func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		full := append(append([]string{}, compose[1:]...), "-f", file)
		if project != "" {
			full = append(full, "-p", project)
		}
		cmd := exec.CommandContext(ctx, compose[0], append(full, args...)...)
		cmd.Env = append(append(os.Environ(), "CUSTOMER_TOKEN_SECRET="+servicetest.Secret), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("compose %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
}

func dockerCLI(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// projectVolumes lists the volumes Compose made for project.
func projectVolumes(t *testing.T, project string) []string {
	t.Helper()
	names := strings.Fields(dockerCLI(t, "volume", "ls", "-q", "--filter", "label=com.docker.compose.project="+project))
	slices.Sort(names)
	return names
}

// The deployment example of the README, configs/docker-compose.yml, comes
// up healthy with the local images, on its embedded store and, with the
// mongodb profile, on the MongoDB stand-in's image; serves a customer on
// the address CUSTOMER_PUBLISH names; and a plain `down` leaves nothing
// behind but its named data volume: no anonymous volume (the image
// declares /data one), and no volume of a profile.
func TestComposeDeploymentComesUpHealthy(t *testing.T) {
	containers.RequireDocker(t)
	t.Run("EmbeddedStore", func(t *testing.T) { composeUpAndDown(t, composeCase{containers: 1}) })
	t.Run("MongoDBProfile", func(t *testing.T) {
		image, _ := containers.MongoImage()
		// The database's user in its container must write there.
		data := t.TempDir()
		if err := os.Chmod(data, 0o777); err != nil {
			t.Fatal(err)
		}
		composeUpAndDown(t, composeCase{containers: 2, profiles: []string{"mongodb"},
			env: []string{"CUSTOMER_MONGODB_URI=mongodb://mongo:27017/", "MONGO_IMAGE=" + image, "MONGO_DATA_DIR=" + data}})
	})
}

// composeCase is a way to run the example: its profiles, settings, and the
// containers it makes.
type composeCase struct {
	profiles   []string
	env        []string
	containers int
}

func composeUpAndDown(t *testing.T, d composeCase) {
	port := freePort(t)
	project := fmt.Sprintf("cstest%d", time.Now().UnixNano())
	compose := composeRunner(t, project, append(d.env, fmt.Sprintf("CUSTOMER_PUBLISH=127.0.0.1:%d", port))...)
	var profiles []string
	for _, p := range d.profiles {
		profiles = append(profiles, "--profile", p)
	}
	run := func(args ...string) string { return compose(append(append([]string{}, profiles...), args...)...) }
	dataVolumes := []string{project + "_customer-data"}
	var stray []string // volumes found that down would leave; removed at the end
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(run("logs", "--no-color"))
		}
		run("down", "-v", "--remove-orphans")
		if left := projectVolumes(t, project); len(left) != 0 {
			t.Errorf("after down -v, volumes %v are left", left)
		}
		if len(stray) > 0 {
			dockerCLI(t, append([]string{"volume", "rm", "-f"}, stray...)...)
		}
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

	// Every volume a container of the deployment uses is one of its named
	// data volumes; an anonymous one would outlive `down`.
	ids := strings.Fields(dockerCLI(t, "ps", "-aq", "--filter", "label=com.docker.compose.project="+project))
	if len(ids) != d.containers {
		t.Fatalf("%d containers in the deployment, want %d", len(ids), d.containers)
	}
	mounts := dockerCLI(t, append([]string{"inspect", "-f",
		`{{range .Mounts}}{{if eq .Type "volume"}}{{$.Name}} {{.Name}} {{.Destination}}{{println}}{{end}}{{end}}`}, ids...)...)
	var mounted []string
	for line := range strings.Lines(mounts) {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		if !slices.Contains(dataVolumes, f[1]) {
			t.Errorf("container %s mounts volume %s at %s, not one of the named data volumes %v", f[0], f[1], f[2], dataVolumes)
			stray = append(stray, f[1])
		}
		mounted = append(mounted, f[1])
	}
	slices.Sort(mounted)
	if !slices.Equal(mounted, dataVolumes) {
		t.Errorf("volumes mounted: %v, want %v", mounted, dataVolumes)
	}
	if got, want := strings.TrimSpace(run("port", "customer", "3005")), fmt.Sprintf("127.0.0.1:%d", port); got != want {
		t.Errorf("the API is published on %q, want only %s", got, want)
	}

	run("down")
	if left := projectVolumes(t, project); !slices.Equal(left, dataVolumes) {
		t.Errorf("after down, volumes %v are left, want only the named data volumes %v", left, dataVolumes)
	}
}

// The deployment example is a file both docker-compose and the compose
// plugin accept, with and without its profiles, and it says what the
// README says: the API published on loopback unless CUSTOMER_PUBLISH says
// otherwise, the service's /data on a named volume, and the bus's data in
// a directory made only with its container, so that no profile adds a
// volume to the plain deployment.
func TestComposeFileIsValid(t *testing.T) {
	run := composeRunner(t, "")
	for _, profiles := range [][]string{nil, {"bus"}, {"monitoring"}, {"mongodb"}, {"bus", "monitoring", "mongodb"}} {
		var args []string
		for _, p := range profiles {
			args = append(args, "--profile", p)
		}
		run(append(args, "config", "-q")...)
	}
	if t.Failed() {
		return
	}

	tests := []struct {
		name        string
		env         []string
		wantPublish string
	}{
		{"default", nil, "127.0.0.1:3005"},
		{"CUSTOMER_PUBLISH on every interface", []string{"CUSTOMER_PUBLISH=0.0.0.0:8080"}, "0.0.0.0:8080"},
		{"CUSTOMER_PUBLISH another loopback port", []string{"CUSTOMER_PUBLISH=127.0.0.1:4005"}, "127.0.0.1:4005"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg resolvedCompose
			if err := yaml.Unmarshal([]byte(composeRunner(t, "", tt.env...)("--profile", "bus", "--profile", "mongodb", "config")), &cfg); err != nil {
				t.Fatal(err)
			}
			customer := cfg.Services["customer"]
			if got := customer.published(t, "3005"); !slices.Equal(got, []string{tt.wantPublish}) {
				t.Errorf("the API is published on %v, want %s", got, tt.wantPublish)
			}
			if m := customer.mount(t, "/data"); m.kind != "volume" || m.source != "customer-data" {
				t.Errorf("the service's /data is %+v, want the named volume customer-data", m)
			}
			if m := cfg.Services["rabbitmq"].mount(t, "/var/lib/rabbitmq"); m.kind != "bind" {
				t.Errorf("RabbitMQ's data is %+v, want a host directory: a declared volume is made by every up", m)
			}
			if m := cfg.Services["mongo"].mount(t, "/data/db"); m.kind != "bind" {
				t.Errorf("MongoDB's data is %+v, want a host directory: a declared volume is made by every up", m)
			}
			var declared []string
			for name := range cfg.Volumes {
				declared = append(declared, name)
			}
			slices.Sort(declared)
			if want := []string{"customer-data"}; !slices.Equal(declared, want) {
				t.Errorf("declared volumes %v, want %v", declared, want)
			}
		})
	}
}

// resolvedCompose is the part of `compose config` read here. docker-compose
// 1.29 writes ports and volumes in the short syntax, the compose plugin in
// the long one.
type resolvedCompose struct {
	Services map[string]resolvedService `yaml:"services"`
	Volumes  map[string]any             `yaml:"volumes"`
}

type resolvedService struct {
	Ports   []any `yaml:"ports"`
	Volumes []any `yaml:"volumes"`
}

type mountSpec struct{ kind, source, target string }

// published returns the host addresses target is published on.
func (s resolvedService) published(t *testing.T, target string) []string {
	t.Helper()
	var out []string
	for _, p := range s.Ports {
		switch p := p.(type) {
		case string: // [host_ip:]published:target[/protocol]
			spec, _, _ := strings.Cut(p, "/")
			i := strings.LastIndexByte(spec, ':')
			if i < 0 || spec[i+1:] != target {
				continue
			}
			out = append(out, spec[:i])
		case map[string]any:
			if fmt.Sprint(p["target"]) != target {
				continue
			}
			host, _ := p["host_ip"].(string)
			out = append(out, host+":"+fmt.Sprint(p["published"]))
		default:
			t.Fatalf("port %#v", p)
		}
	}
	return out
}

// mount returns what is mounted at target.
func (s resolvedService) mount(t *testing.T, target string) mountSpec {
	t.Helper()
	for _, v := range s.Volumes {
		var m mountSpec
		switch v := v.(type) {
		case string: // source:target[:mode]
			parts := strings.Split(v, ":")
			if len(parts) < 2 {
				t.Fatalf("volume %q", v)
			}
			m = mountSpec{kind: "volume", source: parts[0], target: parts[1]}
			if strings.HasPrefix(m.source, "/") {
				m.kind = "bind"
			}
		case map[string]any:
			m.kind, _ = v["type"].(string)
			m.source, _ = v["source"].(string)
			m.target, _ = v["target"].(string)
		default:
			t.Fatalf("volume %#v", v)
		}
		if m.target == target {
			return m
		}
	}
	return mountSpec{}
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
