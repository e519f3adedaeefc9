package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The help lists backup and restore, and each takes -h.
func TestHelp_ListsBackupAndRestore(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"backup", "-h"}, {"restore", "--help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := runCommand(t, map[string]string{"CUSTOMER_LOG_FORMAT": "xml"}, args...)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q; want 0 and nothing", code, stderr)
			}
			for _, want := range []string{"customer-service backup FILE", "customer-service restore FILE"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("the help lacks %q", want)
				}
			}
		})
	}
}

// backup and restore take one FILE and no flag; anything else is a usage
// error, exit 2, that touches no file.
func TestBackupAndRestore_TakeOneFileElseExit2WithTheUsage(t *testing.T) {
	for _, args := range [][]string{{"backup"}, {"restore"}, {"backup", "a.db", "b.db"}, {"restore", "a.db", "b.db"}, {"backup", "-x", "a.db"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := t.TempDir()
			code, stdout, stderr := runCommand(t, map[string]string{"CUSTOMER_DATA_DIR": dir}, args...)
			if code != 2 || stdout != "" {
				t.Fatalf("exit %d, stdout %q; want 2 and nothing", code, stdout)
			}
			if !strings.HasPrefix(stderr, "customer-service: "+args[0]) || !strings.Contains(stderr, "Usage:") {
				t.Errorf("stderr %q, want what was wrong, then the usage", stderr)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("the data directory holds %v after a usage error", entries)
			}
		})
	}
}

// With MongoDB configured, backup and restore refuse, exit 2, naming the
// variable: they are for the embedded store.
func TestBackupAndRestore_RefuseAServiceOnMongoDB(t *testing.T) {
	for _, command := range []string{"backup", "restore"} {
		t.Run(command, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "copy.db")
			code, stdout, stderr := runCommand(t, map[string]string{"CUSTOMER_MONGODB_URI": "mongodb://db:27017",
				"CUSTOMER_TOKEN_SECRET": tokenCommandSecret, "CUSTOMER_DATA_DIR": t.TempDir()}, command, file)
			if code != 2 || stdout != "" || !strings.HasPrefix(stderr, "customer-service "+command+": CUSTOMER_MONGODB_URI is set") {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
			}
			if _, err := os.Stat(file); !os.IsNotExist(err) {
				t.Errorf("%s made %s", command, file)
			}
		})
	}
}

// backup and restore refuse what they should with exit 1, the reason
// first and the file named; a backup restored into a new directory says
// what it put in place.
func TestBackupAndRestore_ExitOneWithTheReasonAndTheFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(t.TempDir(), "copy.db")
	if code, _, stderr := runCommand(t, map[string]string{"CUSTOMER_DATA_DIR": dir}, "backup", file); code != 1 ||
		!strings.HasPrefix(stderr, "customer-service backup: there is no store to back up") || !strings.Contains(stderr, dir) {
		t.Fatalf("backup of an empty directory: exit %d, stderr %q", code, stderr)
	}
	if err := os.WriteFile(file, []byte("not a database, but long enough to look like one at first ..."), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCommand(t, map[string]string{"CUSTOMER_DATA_DIR": dir}, "restore", file)
	if code != 1 || stdout != "" || !strings.Contains(stderr, "customer-service restore: the backup file is not an SQLite database") ||
		!strings.Contains(stderr, file) {
		t.Fatalf("restore of a file that is no database: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
