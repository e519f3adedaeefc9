package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/microbase-io/customer-service/test/support/secrettest"
	"github.com/microbase-io/customer-service/test/support/servicetest"
)

// jwtPattern finds anything shaped like a JWT: two base64url JSON
// segments (they start with `{"`, "eyJ") and a signature.
var jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`)

// secretCall is one call of a lifecycle whose logs are searched for
// secrets.
type secretCall struct {
	method      string
	query       string // raw query
	contentType string // "form" or JSON
	body        string
	token       string // the Authorization header's token; the service's when empty
	noHeader    bool   // send no Authorization header at all
	status      int
}

// A run through every method, the failures included, logged at debug
// level: no log line may carry a password, a bcrypt hash, a token or the
// token secret, and no answer a password or a hash.
func TestLogsAndAnswersHoldNoSecretsOverALifecycle(t *testing.T) {
	svc := servicetest.Start(t, "CUSTOMER_LOG_LEVEL=debug")
	const (
		johnPassword  = "john-Lifecycle-s3cret"
		janePassword  = "jane-Lifecycle-s3cret"
		wrongPassword = "wrong-Guess-s3cret"
		shortPassword = "Sh0rt!x"
		maryPassword  = "mary-Lifecycle-s3cret"
		maryChanged   = "mary-Changed-s3cret"
		maryReset     = "mary-Reset-s3cret"
	)
	longPassword := "long-Lifecycle-" + strings.Repeat("s3cret", 12)
	passwords := []string{johnPassword, janePassword, wrongPassword, shortPassword, longPassword}

	wrongSecret := servicetest.Token(t, "another-deployment-secret-0123456789", "api")
	wrongScope := servicetest.Token(t, servicetest.Secret, "apix")
	expired := servicetest.TokenAt(t, servicetest.Secret, time.Now().Add(-2*time.Hour), time.Hour, "api")
	tokens := []string{svc.Token, wrongSecret, wrongScope, expired}

	address := `{"name":"Work","firstName":"John","address_1":"1 Main St","postCode":"61701","city":"Bloomington","state":"Illinois","country":"US"}`
	john := createForSecrets(t, svc, `{"email":"john.doe@gmail.com","password":"`+johnPassword+`","firstName":"John","lastName":"Doe","addresses":[`+address+`]}`)
	createForSecrets(t, svc, `{"email":"jane@example.com","password":"`+janePassword+`","firstName":"Jane","lastName":"Roe","status":"INACTIVE"}`)
	mary := createForSecrets(t, svc, `{"email":"mary@example.com","password":"`+maryPassword+`","firstName":"Mary","lastName":"Poe"}`)
	addressID := addressList(svc.Call(t, "customer.info", map[string]any{"id": john}).Customer(t))[0]["id"].(string)
	vars := map[string]string{"john": john, "address": addressID}
	// Every hash Mary has over her life, the first included.
	hashes := storedHashes(t, svc)
	if len(hashes) != 3 {
		t.Fatalf("%d password hashes stored, want John's, Jane's and Mary's", len(hashes))
	}
	passwords = append(passwords, maryPassword, maryChanged, maryReset)
	// Mary's password over its life: a change with a wrong and then the
	// right current password, a reset token, a reset, the token tried
	// again, and a lockout.
	passwordCalls := 0
	passwordCall := func(method string, args map[string]any, status int) servicetest.Answer {
		t.Helper()
		passwordCalls++
		a := svc.Call(t, method, args)
		if a.Status != status {
			t.Errorf("%s answered %d %s, want %d", method, a.Status, a.Raw, status)
		}
		secrettest.CheckAnswer(t, method, a.Raw, passwords)
		return a
	}
	passwordCall("customer.changePassword", map[string]any{"id": mary, "currentPassword": wrongPassword, "newPassword": maryChanged}, 401)
	passwordCall("customer.changePassword", map[string]any{"id": mary, "currentPassword": maryPassword, "newPassword": shortPassword}, 400)
	passwordCall("customer.changePassword", map[string]any{"id": mary, "currentPassword": maryPassword, "newPassword": maryChanged}, 200)
	hashes = append(hashes, storedHashes(t, svc)...)
	grant := passwordCall("customer.createPasswordToken", map[string]any{"email": "mary@example.com"}, 200)
	resetToken, _ := grant.Body["token"].(string)
	if len(resetToken) < 22 { // 128 bits in base64url
		t.Fatalf("customer.createPasswordToken answered %s, want a token of at least 128 bits", grant.Raw)
	}
	passwordCall("customer.createPasswordToken", map[string]any{"email": "nobody@example.com"}, 404)
	passwordCall("customer.resetPassword", map[string]any{"token": resetToken, "newPassword": maryReset}, 200)
	passwordCall("customer.resetPassword", map[string]any{"token": resetToken, "newPassword": maryReset}, 400)
	passwordCall("customer.resetPassword", map[string]any{"token": resetToken + "x", "newPassword": maryReset}, 400)
	hashes = append(hashes, storedHashes(t, svc)...)
	for range 5 {
		passwordCall("customer.checkCredentials", map[string]any{"email": "mary@example.com", "password": wrongPassword}, 401)
	}
	passwordCall("customer.checkCredentials", map[string]any{"email": "mary@example.com", "password": maryReset}, 429)
	passwordCall("customer.changePassword", map[string]any{"id": mary, "currentPassword": maryReset, "newPassword": maryChanged}, 429)

	calls := []secretCall{
		{method: "micro.ping", status: 200},
		{method: "customer.update", body: `{"id":"{john}","lastName":"Smith","tags":["VIP"],"password":"` + wrongPassword + `"}`, status: 200},
		{method: "customer.address.create", body: `{"customerId":"{john}","addresses":[` + address + `]}`, status: 200},
		{method: "customer.address.info", query: "customerId={john}&addressId={address}", status: 200},
		{method: "customer.address.update", body: `{"customerId":"{john}","address":{"id":"{address}","name":"Home","firstName":"John","address_1":"2 Main St","postCode":"1","city":"C","state":"S","country":"FR"}}`, status: 200},
		{method: "customer.address.remove", contentType: "form", body: "customerId={john}&addressId={address}", status: 200},
		{method: "customer.list", query: "tags=VIP&fields=email,password,-addresses", status: 200},
		{method: "customer.checkCredentials", body: `{"email":"john.doe@gmail.com","password":"` + johnPassword + `"}`, status: 200},
		{method: "customer.checkCredentials", contentType: "form", body: url.Values{"email": {"john.doe@gmail.com"}, "password": {wrongPassword}}.Encode(), status: 401},
		{method: "customer.checkCredentials", query: url.Values{"email": {"nobody@example.com"}, "password": {johnPassword}}.Encode(), status: 401},
		{method: "customer.checkCredentials", body: `{"email":"jane@example.com","password":"` + janePassword + `"}`, status: 401},
		{method: "customer.checkCredentials", body: `{"email":"john.doe@gmail.com","password":"` + longPassword + `"}`, status: 401},
		{method: "customer.checkCredentials", body: `{"email":"john.doe@gmail.com","password":""}`, status: 400},
		{method: "customer.create", body: `{"email":"JOHN.doe@gmail.com","password":"` + wrongPassword + `","firstName":"J","lastName":"D"}`, status: 409},
		{method: "customer.create", body: `{"email":"new@example.com","password":"` + shortPassword + `","firstName":"N","lastName":"C"}`, status: 400},
		{method: "customer.create", body: `{"email":"new@example.com","password":"` + longPassword + `","firstName":"N","lastName":"C"}`, status: 400},
		{method: "customer.create", body: `{"email":"new@example.com","password":"` + wrongPassword + `","firstName":"N",`, status: 400},
		{method: "customer.update", body: `{"id":"{john}","password":"` + wrongPassword + `","id":"x"}`, status: 400},
		{method: "customer.info", body: `{"id":"{john}"}`, token: wrongSecret, status: 401},
		{method: "customer.info", body: `{"id":"{john}"}`, token: wrongScope, status: 401},
		{method: "customer.info", body: `{"id":"{john}"}`, token: expired, status: 401},
		{method: "customer.info", body: `{"id":"{john}"}`, token: svc.Token + "x", status: 401},
		{method: "customer.info", query: "id={john}&access_token=" + svc.Token, noHeader: true, status: 401},
		{method: "customer.checkCredentials", body: `{"email":"john.doe@gmail.com","password":"` + johnPassword + `"}`, token: wrongSecret, status: 401},
		{method: "customer.nope", body: `{"password":"` + johnPassword + `"}`, status: 404},
		{method: "customer.remove", body: `{"id":"{john}"}`, status: 200},
		{method: "customer.checkCredentials", body: `{"email":"john.doe@gmail.com","password":"` + johnPassword + `"}`, status: 401},
	}
	for _, c := range calls {
		target := svc.URL + c.method
		if c.query != "" {
			target += "?" + fillVars(c.query, vars)
		}
		req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(fillVars(c.body, vars)))
		if err != nil {
			t.Fatal(err)
		}
		if c.contentType == "form" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else if c.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if tok := c.token; !c.noHeader {
			if tok == "" {
				tok = svc.Token
			}
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		a := servicetest.Send(t, req)
		status, raw := a.Status, a.Raw
		if status != c.status {
			t.Errorf("%s %s answered %d %s, want %d", c.method, c.body, status, raw, c.status)
		}
		secrettest.CheckAnswer(t, c.method, raw, passwords)
	}

	secrets := append(append(append([]string{servicetest.Secret, resetToken}, passwords...), hashes...), tokens...)
	// What a store keeps of the token is its hash: a log line holding the
	// hash would let a reader find the customer it belongs to.
	tokenHash := sha256.Sum256([]byte(resetToken))
	secrets = append(secrets, hex.EncodeToString(tokenHash[:]), base64.RawURLEncoding.EncodeToString(tokenHash[:]))
	for _, tok := range tokens {
		// A token cut at a dot is still a credential's worth of secret.
		secrets = append(secrets, strings.Split(tok, ".")[1:]...)
	}
	lines := renderedLogs(t, svc.Logs)
	requests := 0
	for _, line := range lines {
		if strings.Contains(line, `"msg":"request"`) {
			requests++
		}
		for _, s := range secrets {
			if strings.Contains(line, s) {
				t.Errorf("a log line holds a secret (%.12s...): %s", s, line)
			}
		}
		for _, marker := range []string{"$2a$", "$2b$", "$2y$"} {
			if strings.Contains(line, marker) {
				t.Errorf("a log line holds a bcrypt hash: %s", line)
			}
		}
		if jwtPattern.MatchString(line) {
			t.Errorf("a log line holds a token: %s", line)
		}
	}
	// The search means something only if the run was logged at all: one
	// access line per request, and the debug lines of the start.
	if want := len(calls) + passwordCalls + 4; requests != want {
		t.Errorf("%d access log lines, want %d: logs were not all captured", requests, want)
	}
	if svc.Logs.FilterLevelExact(zapcore.DebugLevel).Len() == 0 {
		t.Error("no debug line captured")
	}
	// The metrics name methods, codes and counts, never an argument.
	metrics := scrapeMetrics(t, svc.AdminURL)
	for _, s := range secrets {
		if strings.Contains(metrics, s) {
			t.Errorf("the metrics hold a secret (%.12s...)", s)
		}
	}
	if !strings.Contains(metrics, `method="customer.resetPassword"`) {
		t.Error("the metrics name no customer.resetPassword call: the search saw nothing of the run")
	}
	t.Logf("%d log lines and %d bytes of metrics searched for %d secrets", len(lines), len(metrics), len(secrets))
}

func scrapeMetrics(t *testing.T, adminURL string) string {
	t.Helper()
	resp, err := http.Get(adminURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics answered %d (%v)", resp.StatusCode, err)
	}
	return string(raw)
}

// Without CUSTOMER_TOKEN_SECRET, on the embedded store, the service logs
// one development token on purpose, so that a newcomer can call it: that
// one line is the only place a token ever appears in its logs, and the
// secret behind it never does.
func TestDevelopmentTokenIsTheOnlyTokenLoggedAndOnlyWithoutASecret(t *testing.T) {
	svc := servicetest.Start(t, "CUSTOMER_TOKEN_SECRET", "CUSTOMER_LOG_LEVEL=debug")
	dev := svc.Logs.FilterFieldKey("authorization").All()
	if len(dev) != 1 || !strings.Contains(dev[0].Message, "development token") {
		t.Fatalf("%d lines with an authorization field, want the one development token line", len(dev))
	}
	header, _ := dev[0].ContextMap()["authorization"].(string)
	devToken, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || !jwtPattern.MatchString(devToken) {
		t.Fatalf("the development line says %q, want Bearer and a token", header)
	}
	secret, err := os.ReadFile(filepath.Join(svc.Config.DataDir, "development-token-secret"))
	if err != nil {
		t.Fatal(err)
	}

	// The logged token is the one that works; the test's own is refused.
	svc.Call(t, "customer.list", map[string]any{}).Error(t, http.StatusUnauthorized, "invalid_token")
	svc.Token = devToken
	svc.Call(t, "customer.create", map[string]any{"email": "ada@example.com", "password": "ada-Dev-s3cret", "firstName": "Ada", "lastName": "L"}).Customer(t)
	svc.Call(t, "customer.checkCredentials", map[string]any{"email": "ada@example.com", "password": "wrong-Dev-s3cret"}).Error(t, http.StatusUnauthorized, "bad_credentials")

	lines := renderedLogs(t, svc.Logs)
	holding := 0
	for _, line := range lines {
		if strings.Contains(line, devToken) {
			holding++
		}
		if found := jwtPattern.FindAllString(line, -1); len(found) > 0 && (len(found) > 1 || found[0] != devToken) {
			t.Errorf("a log line holds a token other than the development one: %s", line)
		}
		for _, s := range []string{strings.TrimSpace(string(secret)), "ada-Dev-s3cret", "wrong-Dev-s3cret", "$2a$", "$2b$"} {
			if strings.Contains(line, s) {
				t.Errorf("a log line holds a secret (%.12s...): %s", s, line)
			}
		}
	}
	if holding != 1 {
		t.Errorf("the development token is in %d log lines, want 1", holding)
	}

	// With a secret configured there is no such line (the other test
	// searches a whole run for any token).
	configured := servicetest.Start(t)
	if n := configured.Logs.FilterFieldKey("authorization").Len(); n != 0 {
		t.Errorf("with a secret, %d lines carry an authorization field, want none", n)
	}
}

func createForSecrets(t *testing.T, svc *servicetest.Service, body string) string {
	t.Helper()
	return svc.Call(t, "customer.create", json.RawMessage(body)).Customer(t)["id"].(string)
}

// storedHashes reads every password hash in the store, the removed
// customer's included.
func storedHashes(t *testing.T, svc *servicetest.Service) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	customers, err := svc.Store.Customers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var hashes []string
	for _, c := range customers {
		if c.PasswordHash != "" {
			hashes = append(hashes, c.PasswordHash)
		}
	}
	return hashes
}

// renderedLogs encodes every captured line as the service's production
// JSON encoder would write it, so the search sees what a log collector
// would: message, logger name, every field, errors and stacks included.
func renderedLogs(t *testing.T, logs *observer.ObservedLogs) []string {
	t.Helper()
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	var out []string
	for _, e := range logs.All() {
		buf, err := enc.EncodeEntry(e.Entry, e.Context)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, buf.String())
		buf.Free()
	}
	return out
}
