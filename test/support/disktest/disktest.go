//go:build linux

// Package disktest gives tests a small file system of their own to fill,
// make read-only or make files immutable on: a tmpfs mounted for one
// test. Mounting needs root (as CI has); where it fails the test is
// skipped with the reason, except under CI=true, where it fails: a CI run
// must never pass with these tests silently skipped.
package disktest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// Mount mounts a tmpfs of size bytes on a new directory and returns it;
// it is unmounted when the test ends, after the test's later cleanups
// (close the store first: register that after Mount).
func Mount(t testing.TB, size int64) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+strconv.FormatInt(size, 10)+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		skipOrFail(t, "cannot mount a tmpfs: "+oneLine(err, out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %s", dir, oneLine(err, out))
			_ = exec.Command("umount", "-l", dir).Run()
		}
	})
	return dir
}

// Fill writes a file in dir that leaves about room bytes free on its file
// system, and returns the function that removes it.
func Fill(t testing.TB, dir string, room int64) (free func()) {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	avail := int64(st.Bavail) * int64(st.Bsize)
	if avail <= room {
		t.Fatalf("%s has %d bytes free, less than the %d to leave", dir, avail, room)
	}
	path := filepath.Join(dir, "filler")
	if err := os.WriteFile(path, make([]byte, avail-room), 0o600); err != nil {
		t.Fatal(err)
	}
	return func() {
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
	}
}

// Immutable makes the files immutable (chattr +i: no one, root included,
// may write, rename or delete them, through a descriptor already open
// too), and returns the function that makes them mutable again; they are
// made mutable when the test ends anyway. The files must be on one file
// system that refuses writes to open immutable files (ext4 does, tmpfs
// does not).
func Immutable(t testing.TB, paths ...string) (undo func()) {
	t.Helper()
	if len(paths) == 0 {
		t.Fatal("no file to make immutable")
	}
	checkImmutableRefusesOpenFiles(t, filepath.Dir(paths[0]))
	if err := chattr("+i", paths...); err != nil {
		skipOrFail(t, "cannot make files immutable: "+err.Error())
	}
	done := false
	undo = func() {
		if done {
			return
		}
		done = true
		if err := chattr("-i", paths...); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(undo)
	return undo
}

func checkImmutableRefusesOpenFiles(t testing.TB, dir string) {
	t.Helper()
	path := filepath.Join(dir, "immutable-check")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(path)
	defer f.Close()
	if err := chattr("+i", path); err != nil {
		skipOrFail(t, "cannot make files immutable: "+err.Error())
	}
	_, werr := f.Write([]byte("x"))
	if err := chattr("-i", path); err != nil {
		t.Fatal(err)
	}
	if werr == nil {
		skipOrFail(t, "the file system of "+dir+" lets a file opened before chattr +i be written")
	}
}

func chattr(flag string, paths ...string) error {
	out, err := exec.Command("chattr", append([]string{flag}, paths...)...).CombinedOutput()
	if err != nil {
		return errors.New(oneLine(err, out))
	}
	return nil
}

// Remount remounts the file system mounted on dir with opts ("ro",
// "rw"). Linux refuses to make it read-only while a file on it is open
// for writing.
func Remount(t testing.TB, dir, opts string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,"+opts, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s %s: %s", dir, opts, oneLine(err, out))
	}
}

func skipOrFail(t testing.TB, reason string) {
	t.Helper()
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatal(reason + " (CI=true: disk fault tests must run)")
	}
	t.Skip(reason)
}

func oneLine(err error, out []byte) string {
	return strings.Join(strings.Fields(err.Error()+": "+string(out)), " ")
}
