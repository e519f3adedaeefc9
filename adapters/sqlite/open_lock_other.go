//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package sqlite

import (
	"errors"
	"os"
)

// lockFile: this system has no flock.
func lockFile(*os.File, bool) (bool, error) { return false, errors.ErrUnsupported }
