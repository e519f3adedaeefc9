package e2e

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"go.yaml.in/yaml/v3"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/test/support/mongotest"
	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// What an operator sees: the admin endpoints, the metrics after real
// calls, the dashboard's queries against those metrics, and the OpenAPI
// document, all on the service booted as main boots it.

func adminGet(t *testing.T, svc *servicetest.Service, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(svc.AdminURL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func TestAdminEndpointsAreOffTheAPIPort(t *testing.T) {
	svc := servicetest.Start(t)
	for _, tt := range []struct {
		path   string
		status int
		body   string
	}{
		{"/healthz", 200, "ok"},
		{"/readyz", 200, "ready"}, // the embedded store answers its ping
		{"/metrics", 200, "customer_auth_failures_total"},
		{"/debug/pprof/", 404, ""}, // only with CUSTOMER_PPROF=true
	} {
		if status, body := adminGet(t, svc, tt.path); status != tt.status || !strings.Contains(body, tt.body) {
			t.Errorf("admin %s answered %d %q, want %d with %q", tt.path, status, body, tt.status, tt.body)
		}
	}
	// The public port serves none of them.
	resp, err := http.Get(strings.TrimSuffix(svc.URL, httpapi.BasePath) + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("the API port answered /metrics with %d, want 404", resp.StatusCode)
	}
}

func TestPprofIsServedWhenAskedFor(t *testing.T) {
	svc := servicetest.Start(t, "CUSTOMER_PPROF=true")
	if status, body := adminGet(t, svc, "/debug/pprof/"); status != 200 || !strings.Contains(body, "goroutine") {
		t.Fatalf("/debug/pprof/ answered %d %q", status, body)
	}
}

func TestOpenAPIDocumentIsServedWithoutAToken(t *testing.T) {
	svc := servicetest.Start(t)
	// Not through Do, which refuses any answer that speaks of passwords.
	req, _ := http.NewRequest(http.MethodGet, svc.URL+httpapi.OpenAPIDocument, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc := servicetest.Answer{Status: resp.StatusCode, Header: resp.Header}
	if doc.Raw, err = io.ReadAll(resp.Body); err != nil || json.Unmarshal(doc.Raw, &doc.Body) != nil {
		t.Fatalf("answered %d, not JSON: %v", doc.Status, err)
	}
	servicetest.CheckOpenAPI(t, req, nil, doc) // checked against itself, like every answer
	if doc.Status != http.StatusOK || doc.Body["openapi"] != "3.1.0" {
		t.Fatalf("answered %d, openapi %v", doc.Status, doc.Body["openapi"])
	}
	paths, _ := doc.Body["paths"].(map[string]any)
	for _, m := range httpapi.Methods() {
		if _, ok := paths[httpapi.BasePath+m]; !ok {
			t.Errorf("the document served lacks %s", m)
		}
	}
}

// exercise makes a few calls of each kind an operator wants to tell
// apart: successes, rule failures, conflicts, refused tokens, unknown
// paths.
func exercise(t *testing.T, svc *servicetest.Service) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, svc.URL+"micro.ping", nil)
	servicetest.Do(t, req)
	var ids []any
	for _, email := range []string{"ada@example.com", "grace@example.com"} {
		ids = append(ids, svc.Call(t, "customer.create", map[string]any{
			"email": email, "password": "s3cret-pass", "firstName": "A", "lastName": "B",
		}).Customer(t)["id"])
	}
	svc.Call(t, "customer.update", map[string]any{"id": ids[0], "lastName": "King"}).Customer(t)
	svc.Call(t, "customer.update", map[string]any{"id": ids[0], "email": "GRACE@example.com"}).Error(t, http.StatusConflict, "duplicate_key")
	svc.Call(t, "customer.info", map[string]any{"id": "HkhhuXESl"}).Error(t, http.StatusNotFound, "customer_not_found")
	noToken := servicetest.Client{URL: svc.URL}
	noToken.Call(t, "customer.info", map[string]any{"id": ids[0]}).Error(t, http.StatusUnauthorized, "invalid_token")
	forged := servicetest.Client{URL: svc.URL, Token: servicetest.Token(t, "another secret of at least 32 bytes", "api")}
	forged.Call(t, "customer.info", map[string]any{"id": ids[0]}).Error(t, http.StatusUnauthorized, "invalid_token")
	svc.Call(t, "customer.nope", map[string]any{}).Error(t, http.StatusNotFound, "unknown_method")
}

func scrape(t *testing.T, svc *servicetest.Service) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(svc.AdminURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var parser expfmt.TextParser
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics is not the Prometheus text format: %v", err)
	}
	return families
}

// sample finds the series of family name with exactly those labels.
func sample(families map[string]*dto.MetricFamily, name string, labels map[string]string) *dto.Metric {
	f := families[name]
	if f == nil {
		return nil
	}
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		if maps.Equal(got, labels) {
			return m
		}
	}
	return nil
}

func TestMetricsCountWhatTheServiceDid(t *testing.T) {
	svc := servicetest.Start(t)
	exercise(t, svc)
	families := scrape(t, svc)

	counters := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"customer_http_requests_total", map[string]string{"method": "micro.ping", "status": "200", "code": ""}, 1},
		{"customer_http_requests_total", map[string]string{"method": "customer.create", "status": "200", "code": ""}, 2},
		{"customer_http_requests_total", map[string]string{"method": "customer.update", "status": "200", "code": ""}, 1},
		{"customer_http_requests_total", map[string]string{"method": "customer.update", "status": "409", "code": "duplicate_key"}, 1},
		{"customer_http_requests_total", map[string]string{"method": "customer.info", "status": "404", "code": "customer_not_found"}, 1},
		{"customer_http_requests_total", map[string]string{"method": "customer.info", "status": "401", "code": "invalid_token"}, 2},
		{"customer_http_requests_total", map[string]string{"method": "unknown", "status": "404", "code": "unknown_method"}, 1},
		{"customer_auth_failures_total", map[string]string{"reason": "missing"}, 1},
		{"customer_auth_failures_total", map[string]string{"reason": "bad_signature"}, 1},
		{"customer_auth_failures_total", map[string]string{"reason": "expired"}, 0},
	}
	for _, c := range counters {
		m := sample(families, c.name, c.labels)
		if m == nil || m.GetCounter().GetValue() != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, m.GetCounter().GetValue(), c.want)
		}
	}

	// Every method label is a method, "unknown" or the document: a caller
	// cannot mint series with made-up paths.
	allowed := append(httpapi.Methods(), httpapi.UnknownMethod, httpapi.OpenAPIDocument)
	for _, m := range families["customer_http_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "method" && !slices.Contains(allowed, l.GetValue()) {
				t.Errorf("a request is labelled method=%q", l.GetValue())
			}
		}
	}

	histograms := []struct {
		name    string
		labels  map[string]string
		atLeast uint64
	}{
		{"customer_http_request_duration_seconds", map[string]string{"method": "customer.update"}, 2},
		{"customer_http_request_duration_seconds", map[string]string{"method": "unknown"}, 1},
	}
	checkHistograms(t, families, histograms)
	// The embedded store's pools: one write connection, writes that waited
	// for it counted.
	if m := sample(families, "go_sql_max_open_connections", map[string]string{"db_name": "write"}); m.GetGauge().GetValue() != 1 {
		t.Errorf("the write pool holds %v connections at most, want 1", m.GetGauge().GetValue())
	}
	for _, name := range []string{"go_sql_open_connections", "go_sql_wait_count_total", "go_sql_wait_duration_seconds_total"} {
		if sample(families, name, map[string]string{"db_name": "read"}) == nil || sample(families, name, map[string]string{"db_name": "write"}) == nil {
			t.Errorf("no %s of both pools", name)
		}
	}
	if families["customer_mongodb_pool_connections"] != nil {
		t.Error("a service on the embedded store exposes MongoDB pool metrics")
	}
	// The calls after the first with one token found it kept.
	if m := sample(families, "customer_auth_kept_token_uses_total", map[string]string{}); m.GetCounter().GetValue() < 1 {
		t.Errorf("customer_auth_kept_token_uses_total = %v, want some", m.GetCounter().GetValue())
	}
	if m := sample(families, "customer_auth_kept_tokens", map[string]string{}); m.GetGauge().GetValue() < 1 {
		t.Errorf("customer_auth_kept_tokens = %v, want the token used", m.GetGauge().GetValue())
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_inuse_bytes", "go_info", "go_build_info", "process_resident_memory_bytes", "customer_outbox_publish_failures_total"} {
		if families[name] == nil {
			t.Errorf("no %s", name)
		}
	}
}

func TestMetricsOfTheMongoDBStoreCountItsCommandsAndPool(t *testing.T) {
	svc := servicetest.Start(t, "CUSTOMER_MONGODB_URI="+mongotest.ServerFor(t))
	exercise(t, svc)
	families := scrape(t, svc)

	histograms := []struct {
		name    string
		labels  map[string]string
		atLeast uint64
	}{
		{"customer_mongodb_command_duration_seconds", map[string]string{"command": "insert"}, 2},
		{"customer_mongodb_command_duration_seconds", map[string]string{"command": "findAndModify"}, 2},
		{"customer_mongodb_command_duration_seconds", map[string]string{"command": "find"}, 1},
		{"customer_mongodb_pool_wait_duration_seconds", map[string]string{}, 1},
	}
	checkHistograms(t, families, histograms)

	// The duplicate email fails the findAndModify on the unique index.
	failed := 0.0
	for _, m := range families["customer_mongodb_command_failures_total"].GetMetric() {
		failed += m.GetCounter().GetValue()
	}
	if failed < 1 {
		t.Errorf("%v MongoDB command failures, want the duplicate email's", failed)
	}

	for _, g := range []struct {
		name   string
		labels map[string]string
	}{
		{"customer_mongodb_pool_connections", map[string]string{"state": "in_use"}},
		{"customer_mongodb_pool_connections", map[string]string{"state": "idle"}},
		{"customer_mongodb_pool_waiting", map[string]string{}},
		{"customer_outbox_backlog", map[string]string{}},
	} {
		if sample(families, g.name, g.labels) == nil {
			t.Errorf("no %s%v", g.name, g.labels)
		}
	}
	if m := sample(families, "customer_mongodb_pool_max_connections", map[string]string{}); m.GetGauge().GetValue() != 100 {
		t.Errorf("pool max %v, want the driver's default maxPoolSize 100", m.GetGauge().GetValue())
	}
	open := sample(families, "customer_mongodb_pool_connections", map[string]string{"state": "idle"}).GetGauge().GetValue() +
		sample(families, "customer_mongodb_pool_connections", map[string]string{"state": "in_use"}).GetGauge().GetValue()
	if open < 1 {
		t.Errorf("%v connections open after the calls, want the pool to keep at least one", open)
	}
}

func checkHistograms(t *testing.T, families map[string]*dto.MetricFamily, histograms []struct {
	name    string
	labels  map[string]string
	atLeast uint64
}) {
	t.Helper()
	for _, h := range histograms {
		m := sample(families, h.name, h.labels)
		if m == nil || m.GetHistogram().GetSampleCount() < h.atLeast || len(m.GetHistogram().GetBucket()) == 0 {
			t.Errorf("%s%v counted %d, want at least %d", h.name, h.labels, m.GetHistogram().GetSampleCount(), h.atLeast)
		}
	}
}

const dashboardPath = "../../configs/grafana/dashboards/customer-service.json"

// The dashboard is JSON with PromQL inside; this reads every query and
// checks it names only metrics and labels the service exposes, so that a
// renamed metric cannot leave an empty panel behind.
func TestDashboardQueriesOnlyWhatTheServiceExposes(t *testing.T) {
	raw, err := os.ReadFile(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	var dashboard struct {
		UID    string           `json:"uid"`
		Panels []map[string]any `json:"panels"`
	}
	if err := json.Unmarshal(raw, &dashboard); err != nil {
		t.Fatalf("the dashboard is not JSON: %v", err)
	}
	if dashboard.UID == "" || len(dashboard.Panels) == 0 {
		t.Fatal("the dashboard has no uid or no panels")
	}
	exprs := dashboardExprs(dashboard.Panels)
	if len(exprs) < 10 {
		t.Fatalf("%d queries in the dashboard, want its panels' (request rate, errors, latency, database, pool...)", len(exprs))
	}
	checkQueries(t, exprs, exposedMetrics(t))
}

// The alerting rules of configs/alerts.yml query only what the service
// exposes, so that a renamed metric cannot silence an alert.
func TestAlertRulesQueryOnlyWhatTheServiceExposes(t *testing.T) {
	raw, err := os.ReadFile(alertsPath)
	if err != nil {
		t.Fatal(err)
	}
	var alerts struct {
		Groups []struct {
			Rules []struct {
				Expr string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(raw, &alerts); err != nil {
		t.Fatalf("%s: %v", alertsPath, err)
	}
	var exprs []string
	for _, g := range alerts.Groups {
		for _, r := range g.Rules {
			exprs = append(exprs, r.Expr)
		}
	}
	if len(exprs) == 0 {
		t.Fatal("no alert rule")
	}
	checkQueries(t, exprs, exposedMetrics(t))
}

const alertsPath = "../../configs/alerts.yml"

// exposedMetrics maps each series name services expose, on either store,
// after a few calls, to its label names. The dashboard and the alerts
// serve deployments on either store: the metrics of both count.
func exposedMetrics(t *testing.T) map[string]map[string]bool {
	t.Helper()
	exposed := map[string]map[string]bool{}
	families := map[string]*dto.MetricFamily{}
	for _, svc := range []*servicetest.Service{servicetest.Start(t), servicetest.Start(t, "CUSTOMER_MONGODB_URI="+mongotest.ServerFor(t))} {
		exercise(t, svc)
		maps.Copy(families, scrape(t, svc))
	}
	for name, f := range families {
		labels := map[string]bool{}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = true
			}
		}
		exposed[name] = labels
		if f.GetType() == dto.MetricType_HISTOGRAM {
			labels["le"] = true
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				exposed[name+suffix] = labels
			}
		}
	}
	return exposed
}

// checkQueries fails for each PromQL query naming a metric or a label
// that exposed lacks.
func checkQueries(t *testing.T, exprs []string, exposed map[string]map[string]bool) {
	t.Helper()
	for _, expr := range exprs {
		metrics, labels := promqlNames(expr)
		if len(metrics) == 0 {
			t.Errorf("query %q names no metric", expr)
		}
		known := map[string]bool{}
		for _, m := range metrics {
			if exposed[m] == nil {
				t.Errorf("query %q uses %s, which the service does not expose", expr, m)
			}
			maps.Copy(known, exposed[m])
		}
		for _, l := range labels {
			if !known[l] {
				t.Errorf("query %q uses label %s, which none of its metrics has", expr, l)
			}
		}
	}
}

// dashboardExprs collects the expr of every target of every panel, rows'
// panels included.
func dashboardExprs(panels []map[string]any) []string {
	var out []string
	for _, p := range panels {
		if targets, ok := p["targets"].([]any); ok {
			for _, target := range targets {
				if expr, ok := target.(map[string]any)["expr"].(string); ok {
					out = append(out, expr)
				}
			}
		}
		if nested, ok := p["panels"].([]any); ok {
			var inner []map[string]any
			for _, n := range nested {
				inner = append(inner, n.(map[string]any))
			}
			out = append(out, dashboardExprs(inner)...)
		}
	}
	return out
}

var (
	promqlStrings   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	promqlRanges    = regexp.MustCompile(`\[[^\]]*\]`)
	promqlGrouping  = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)`)
	promqlMatchers  = regexp.MustCompile(`\{([^}]*)\}`)
	promqlMatchName = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)`)
	promqlName      = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)
)

// promqlNames reads the metric names and label names a query uses. It is
// no PromQL parser, only enough of one for this dashboard's queries:
// metric names are the identifiers with the prefixes this service's
// metrics have, labels those of groupings and matchers.
func promqlNames(expr string) (metrics, labels []string) {
	expr = promqlStrings.ReplaceAllString(expr, `""`)
	expr = promqlRanges.ReplaceAllString(expr, "")
	for _, m := range promqlGrouping.FindAllStringSubmatch(expr, -1) {
		for l := range strings.SplitSeq(m[1], ",") {
			if l = strings.TrimSpace(l); l != "" {
				labels = append(labels, l)
			}
		}
	}
	expr = promqlGrouping.ReplaceAllString(expr, "")
	for _, m := range promqlMatchers.FindAllStringSubmatch(expr, -1) {
		for _, n := range promqlMatchName.FindAllStringSubmatch(m[1], -1) {
			labels = append(labels, n[1])
		}
	}
	expr = promqlMatchers.ReplaceAllString(expr, "")
	for _, name := range promqlName.FindAllString(expr, -1) {
		if strings.HasPrefix(name, "customer_") || strings.HasPrefix(name, "go_") || strings.HasPrefix(name, "process_") {
			metrics = append(metrics, name)
		}
	}
	return metrics, labels
}

func TestPromqlNamesReadsTheMetricsAndLabelsOfAQuery(t *testing.T) {
	tests := []struct {
		expr            string
		metrics, labels []string
	}{
		{`sum by (method) (rate(customer_http_requests_total[$__rate_interval]))`,
			[]string{"customer_http_requests_total"}, []string{"method"}},
		{`sum by (code) (rate(customer_http_requests_total{code!="",method=~"customer.(x|y)"}[5m])) / ignoring (code) group_left () sum(rate(customer_http_requests_total[5m]))`,
			[]string{"customer_http_requests_total", "customer_http_requests_total"}, []string{"code", "code", "code", "method"}},
		{`histogram_quantile(0.99, sum by (le, command) (rate(customer_mongodb_command_duration_seconds_bucket[1m])))`,
			[]string{"customer_mongodb_command_duration_seconds_bucket"}, []string{"le", "command"}},
		{`process_resident_memory_bytes`, []string{"process_resident_memory_bytes"}, nil},
	}
	for _, tt := range tests {
		metrics, labels := promqlNames(tt.expr)
		if !slices.Equal(metrics, tt.metrics) || !slices.Equal(labels, tt.labels) {
			t.Errorf("promqlNames(%q) = %v, %v; want %v, %v", tt.expr, metrics, labels, tt.metrics, tt.labels)
		}
	}
}
