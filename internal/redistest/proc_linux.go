package redistest

import "syscall"

// sysProcAttr makes the kernel kill redis-server when the test binary dies,
// even by a signal or a test timeout that skips Main's cleanup.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
