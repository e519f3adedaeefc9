package main

import "syscall"

// childProcAttr has the kernel kill the service if this process dies
// without stopping it, so no orphan keeps its port and its database
// connections.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
