//go:build !linux

package redistest

import "syscall"

// sysProcAttr has nothing to add where the kernel cannot tie the server's
// life to the test binary's; Main's cleanup stops it.
func sysProcAttr() *syscall.SysProcAttr { return nil }
