package configs

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The monitoring pieces of the compose deployment name each other (ports,
// paths, a datasource uid); these tests keep the names in step. Whether
// the dashboard's queries name real metrics is checked in test/e2e, where
// a service runs.

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Profiles    []string          `yaml:"profiles"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
	} `yaml:"services"`
}

// mounts maps each bind-mounted target of a service to its source.
func mounts(volumes []string) map[string]string {
	out := map[string]string{}
	for _, v := range volumes {
		parts := strings.Split(v, ":")
		if len(parts) >= 2 && strings.HasPrefix(parts[0], ".") {
			out[parts[1]] = parts[0]
		}
	}
	return out
}

func TestMonitoringIsAProfileSoThatTheDefaultDeploymentNeedsNoRegistry(t *testing.T) {
	var compose composeFile
	readYAML(t, "docker-compose.yml", &compose)
	for _, name := range []string{"prometheus", "grafana"} {
		s, ok := compose.Services[name]
		if !ok || !slices.Equal(s.Profiles, []string{"monitoring"}) {
			t.Errorf("service %s: profiles %v, want [monitoring]", name, s.Profiles)
		}
	}
	if s := compose.Services["customer"]; len(s.Profiles) != 0 {
		t.Errorf("the service is in profiles %v: a plain up would leave it out", s.Profiles)
	}
}

func TestPrometheusScrapesTheServicesAdminPort(t *testing.T) {
	var compose composeFile
	readYAML(t, "docker-compose.yml", &compose)
	var defaults struct {
		AdminAddr string `yaml:"admin_addr"`
	}
	readYAML(t, "config.yaml", &defaults)
	var prometheus struct {
		ScrapeConfigs []struct {
			MetricsPath   string `yaml:"metrics_path"`
			StaticConfigs []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	readYAML(t, "prometheus.yml", &prometheus)

	_, adminPort, err := net.SplitHostPort(compose.Services["customer"].Environment["CUSTOMER_ADMIN_ADDR"])
	if err != nil {
		t.Fatalf("the customer service's CUSTOMER_ADMIN_ADDR: %v", err)
	}
	if _, port, _ := net.SplitHostPort(defaults.AdminAddr); port != adminPort {
		t.Errorf("compose sets admin port %s, config.yaml's default is %s", adminPort, port)
	}
	if len(prometheus.ScrapeConfigs) != 1 || len(prometheus.ScrapeConfigs[0].StaticConfigs) != 1 {
		t.Fatalf("prometheus.yml: want one scrape config with one static config, got %+v", prometheus.ScrapeConfigs)
	}
	sc := prometheus.ScrapeConfigs[0]
	if want := []string{net.JoinHostPort("customer", adminPort)}; !slices.Equal(sc.StaticConfigs[0].Targets, want) || sc.MetricsPath != "/metrics" {
		t.Errorf("prometheus scrapes %v%s, want %v/metrics", sc.StaticConfigs[0].Targets, sc.MetricsPath, want)
	}
	if m := mounts(compose.Services["prometheus"].Volumes); m["/etc/prometheus/prometheus.yml"] != "./prometheus.yml" {
		t.Errorf("prometheus mounts %v, want ./prometheus.yml as its configuration", m)
	}
}

// Prometheus loads the alerting rules from where compose mounts them, and
// every rule has a name, a query and a severity.
func TestPrometheusLoadsTheAlertRules(t *testing.T) {
	var compose composeFile
	readYAML(t, "docker-compose.yml", &compose)
	var prometheus struct {
		RuleFiles []string `yaml:"rule_files"`
	}
	readYAML(t, "prometheus.yml", &prometheus)
	m := mounts(compose.Services["prometheus"].Volumes)
	if len(prometheus.RuleFiles) != 1 || m[prometheus.RuleFiles[0]] != "./alerts.yml" {
		t.Fatalf("prometheus reads rules %v; compose mounts %v; want ./alerts.yml at the path it reads", prometheus.RuleFiles, m)
	}
	var alerts struct {
		Groups []struct {
			Rules []struct {
				Alert  string            `yaml:"alert"`
				Expr   string            `yaml:"expr"`
				Labels map[string]string `yaml:"labels"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	readYAML(t, "alerts.yml", &alerts)
	var rules []struct {
		Alert  string            `yaml:"alert"`
		Expr   string            `yaml:"expr"`
		Labels map[string]string `yaml:"labels"`
	}
	for _, g := range alerts.Groups {
		rules = append(rules, g.Rules...)
	}
	if len(rules) < 3 {
		t.Fatalf("%d alert rules, want those of the event backlog", len(rules))
	}
	for _, r := range rules {
		if r.Alert == "" || r.Expr == "" || r.Labels["severity"] == "" {
			t.Errorf("rule %+v lacks a name, a query or a severity", r)
		}
	}
}

func TestGrafanaProvisionsTheDashboardOnThePrometheusDatasource(t *testing.T) {
	var compose composeFile
	readYAML(t, "docker-compose.yml", &compose)
	m := mounts(compose.Services["grafana"].Volumes)
	provisioning, dashboards := m["/etc/grafana/provisioning"], m["/var/lib/grafana/dashboards"]
	if provisioning == "" || dashboards == "" {
		t.Fatalf("grafana mounts %v, want provisioning and dashboards", m)
	}

	var providers struct {
		Providers []struct {
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	readYAML(t, filepath.Join(provisioning, "dashboards", "customer-service.yml"), &providers)
	if len(providers.Providers) != 1 || providers.Providers[0].Options.Path != "/var/lib/grafana/dashboards" {
		t.Errorf("dashboard providers %+v, want one reading /var/lib/grafana/dashboards", providers.Providers)
	}

	var datasources struct {
		Datasources []struct {
			UID  string `yaml:"uid"`
			Type string `yaml:"type"`
			URL  string `yaml:"url"`
		} `yaml:"datasources"`
	}
	readYAML(t, filepath.Join(provisioning, "datasources", "prometheus.yml"), &datasources)
	if len(datasources.Datasources) != 1 || datasources.Datasources[0].URL != "http://prometheus:9090" {
		t.Fatalf("datasources %+v, want the compose Prometheus", datasources.Datasources)
	}
	uid := datasources.Datasources[0].UID

	raw, err := os.ReadFile(filepath.Join(dashboards, "customer-service.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dashboard struct {
		Panels []struct {
			Type       string `json:"type"`
			Title      string `json:"title"`
			Datasource struct {
				UID string `json:"uid"`
			} `json:"datasource"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &dashboard); err != nil {
		t.Fatalf("the dashboard is not JSON: %v", err)
	}
	for _, p := range dashboard.Panels {
		if p.Type != "row" && p.Datasource.UID != uid {
			t.Errorf("panel %q reads datasource %q, want %q", p.Title, p.Datasource.UID, uid)
		}
	}
}
