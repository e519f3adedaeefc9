//go:build unix

package sqlite

import (
	"os"
	"syscall"
)

// links is how many names the file has; known is false where the system
// does not say.
func links(info os.FileInfo) (n uint64, known bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Nlink), true
}
