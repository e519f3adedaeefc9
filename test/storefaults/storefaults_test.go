//go:build linux

// Package storefaults runs the built service binary on an embedded store
// whose disk fills up, whose WAL is deleted under it, and whose database
// file is empty or damaged before it starts: what a client, an
// orchestrator and an operator are told, and what the store holds after
// a kill -9 and a restart.
package storefaults

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/test/support/disktest"
	"github.com/microbase-io/customer-service/test/support/servicetest"
	"github.com/microbase-io/customer-service/test/support/storetest"
)

// creates tells which creates were acknowledged and which refused.
type creates struct{ acked, refused []string }

// create sends customer.create for email; every answer must be 200 or
// 503 database_unavailable.
func (c *creates) create(t *testing.T, api servicetest.Client, email string) bool {
	t.Helper()
	a := api.Call(t, "customer.create", map[string]any{
		"email": email, "password": "s3cret-pass", "firstName": "Ada", "lastName": "Lovelace", "tags": []string{"a", "b"},
	})
	switch {
	case a.Status == http.StatusOK:
		c.acked = append(c.acked, email)
		return true
	case a.Status == http.StatusServiceUnavailable && a.Body["error"] == "database_unavailable" && a.Body["data"] == nil:
		c.refused = append(c.refused, email)
		return false
	}
	t.Fatalf("create %s answered %d %s, want 200 or 503 database_unavailable (nothing written)", email, a.Status, a.Raw)
	return false
}

// checkStored fails unless the store in dataDir holds every acknowledged
// create and none of the refused.
func (c *creates) checkStored(t *testing.T, dataDir string) {
	t.Helper()
	all, err := storetest.SQLite(dataDir).Customers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for _, s := range all {
		stored[s.Email] = true
	}
	lost, written := 0, 0
	for _, email := range c.acked {
		if !stored[email] {
			lost++
		}
	}
	for _, email := range c.refused {
		if stored[email] {
			written++
		}
	}
	t.Logf("after kill -9 and a restart: %d acknowledged creates, %d lost; %d refused, %d of them written", len(c.acked), lost, len(c.refused), written)
	if lost != 0 || written != 0 {
		t.Fatal("the store does not hold exactly the acknowledged creates")
	}
}

// readyz is /readyz's status and text.
func readyz(t *testing.T, p *servicetest.Process) (int, string) {
	t.Helper()
	resp, err := http.Get(p.AdminURL(t) + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// logLine is a line of the service's JSON log.
type logLine struct {
	Level      string `json:"level"`
	Logger     string `json:"logger"`
	Msg        string `json:"msg"`
	RequestID  string `json:"request_id"`
	Error      string `json:"error"`
	Stacktrace string `json:"stacktrace"`
}

func logLines(p *servicetest.Process) []logLine {
	var lines []logLine
	for raw := range strings.Lines(p.Output()) {
		var l logLine
		if json.Unmarshal([]byte(raw), &l) == nil {
			lines = append(lines, l)
		}
	}
	return lines
}

// kill ends the process with SIGKILL, as a crash would.
func kill(t *testing.T, p *servicetest.Process) {
	t.Helper()
	if err := p.Cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.ExitCode(t, time.Minute)
}

// The disk holding the store fills up under load. Every create that does
// not fit answers 503 database_unavailable, none 500; each is logged
// once, at warn, with its request id and cause, and no stack trace;
// /readyz says not ready while writes fail. Once the disk has room,
// /readyz finds it (its probe writes) and says ready, and creates succeed
// again. After kill -9 and a restart, the store holds every acknowledged
// create and none of the refused.
//
// A reader holds a snapshot while the disk is full, so that the store
// cannot start its WAL again over blocks it already has: the writes that
// would fit there would be honest, but would make when the disk is full
// for the store a matter of when the checkpointer ran.
func TestAFullDiskAnswers503WithNothingWrittenAndTheServiceRecovers(t *testing.T) {
	bin := servicetest.BuildBinary(t)
	mnt := disktest.Mount(t, 4<<20)
	dir := filepath.Join(mnt, "data")
	svc := servicetest.StartProcess(t, bin, servicetest.Settings(dir)...)
	api := svc.Client(t)

	var c creates
	for i := range 5 {
		if !c.create(t, api, fmt.Sprintf("before%d@example.com", i)) {
			t.Fatal("a create failed before the disk was full")
		}
	}
	release, err := storetest.HoldSQLiteSnapshot(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	free := disktest.Fill(t, mnt, 96<<10)
	for i := 0; len(c.refused) < 20 && i < 1000; i++ {
		c.create(t, api, fmt.Sprintf("full%d@example.com", i))
	}
	if len(c.refused) == 0 {
		t.Fatal("no create was refused: the disk never filled")
	}
	t.Logf("the disk filled: %d creates acknowledged before, %d while it filled, then %d refused",
		5, len(c.acked)-5, len(c.refused))
	if status, text := readyz(t, svc); status != http.StatusServiceUnavailable || !strings.Contains(text, "full") {
		t.Fatalf("/readyz with a full disk: %d %q, want 503 saying the disk is full", status, text)
	}
	free()
	if err := release(); err != nil {
		t.Fatal(err)
	}
	if status, text := readyz(t, svc); status != http.StatusOK {
		t.Fatalf("/readyz once the disk has room: %d %q, want ready", status, text)
	}
	for i := range 5 {
		if !c.create(t, api, fmt.Sprintf("after%d@example.com", i)) {
			t.Fatal("a create failed once the disk had room")
		}
	}
	kill(t, svc) // its output read to the end
	var warned int
	for _, l := range logLines(svc) {
		if l.Stacktrace != "" {
			t.Errorf("logged a stack trace: %s %s: %s", l.Level, l.Msg, l.Error)
		}
		if l.Msg == "database unavailable" {
			warned++
			if l.Level != "warn" || l.RequestID == "" || !strings.Contains(l.Error, "full") {
				t.Errorf("logged %+v, want the cause at warn with the request id", l)
			}
		}
	}
	if warned != len(c.refused) {
		t.Errorf("%d refused creates logged %d times, want once each", len(c.refused), warned)
	}
	servicetest.StartProcess(t, bin, servicetest.Settings(dir)...)
	c.checkStored(t, dir)
}

// The store's WAL is deleted while the service runs. Writes acknowledged
// from then on would be lost at the next start, so none is: each answers
// 503 database_unavailable, /readyz says why, the log says it once. The
// writes acknowledged before are saved into the database file: after
// kill -9 and a restart the store holds all of them.
func TestADeletedWALMakesWritesAnswer503AndLosesNoAcknowledgedWrite(t *testing.T) {
	bin := servicetest.BuildBinary(t)
	dir := t.TempDir()
	svc := servicetest.StartProcess(t, bin, servicetest.Settings(dir)...)
	api := svc.Client(t)

	var c creates
	for i := range 50 {
		if !c.create(t, api, fmt.Sprintf("before%d@example.com", i)) {
			t.Fatal("a create failed before the WAL was deleted")
		}
	}
	if err := os.Remove(filepath.Join(dir, sqlite.FileName+"-wal")); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if c.create(t, api, fmt.Sprintf("after%d@example.com", i)) {
			t.Fatal("a create was acknowledged into the deleted WAL")
		}
	}
	if status, text := readyz(t, svc); status != http.StatusServiceUnavailable || !strings.Contains(text, "WAL file was deleted") {
		t.Fatalf("/readyz after the WAL was deleted: %d %q, want 503 saying why", status, text)
	}
	kill(t, svc) // its output read to the end
	var said []logLine
	for _, l := range logLines(svc) {
		if l.Logger == "sqlite" && l.Level == "error" {
			said = append(said, l)
		}
	}
	if len(said) != 1 || !strings.Contains(said[0].Error, "WAL file was deleted") {
		t.Fatalf("the store logged %+v, want once why it refuses writes", said)
	}
	servicetest.StartProcess(t, bin, servicetest.Settings(dir)...)
	c.checkStored(t, dir)
}

// startRefused runs the binary on dataDir and returns its exit code and
// the last line it printed on stderr (before it, the log); it must exit
// within a minute.
func startRefused(t *testing.T, bin, dataDir string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := servicetest.CommandContext(ctx, bin, servicetest.Settings(dataDir)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("the service did not stop within a minute\n%s", stderr.String())
	}
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	return code, lines[len(lines)-1]
}

// An empty database file where the store expects one (0 bytes) stops the
// service at start, exit code 1, with the reason first and the file
// named, rather than serving a new store that holds no customer.
func TestAnEmptyDatabaseFileStopsTheServiceAtStart(t *testing.T) {
	bin := servicetest.BuildBinary(t)
	dir := t.TempDir()
	path := filepath.Join(dir, sqlite.FileName)
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	code, stderr := startRefused(t, bin, dir)
	if code != 1 || !strings.HasPrefix(stderr, "customer-service: the database file is empty (0 bytes)") || !strings.Contains(stderr, path) {
		t.Fatalf("exit code %d, stderr %q; want 1 and why first, naming %s", code, stderr, path)
	}
}

// A database file with a zeroed page (page 2, the customers table's root)
// stops the service at start, exit code 1, with the reason first and the
// file named, rather than answering every call with an error.
func TestADamagedDatabaseFileStopsTheServiceAtStart(t *testing.T) {
	bin := servicetest.BuildBinary(t)
	dir := t.TempDir()
	svc := servicetest.StartProcess(t, bin, servicetest.Settings(dir)...)
	api := svc.Client(t)
	var c creates
	for i := range 20 {
		c.create(t, api, fmt.Sprintf("c%d@example.com", i))
	}
	if err := svc.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := svc.ExitCode(t, time.Minute); code != 0 {
		t.Fatalf("stopping: exit code %d", code)
	}
	path := filepath.Join(dir, sqlite.FileName)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	const pageSize = 4096
	if _, err := f.WriteAt(make([]byte, pageSize), pageSize); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	code, stderr := startRefused(t, bin, dir)
	if code != 1 || !strings.HasPrefix(stderr, "customer-service: the database file is damaged (") || !strings.Contains(stderr, path) {
		t.Fatalf("exit code %d, stderr %q; want 1 and why first, naming %s", code, stderr, path)
	}
}
