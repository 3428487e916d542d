package scheduler

import (
	"errors"
	"fmt"
	"testing"

	"salesbot/workspace"
)

// TestUninstalledMidSweepIsARefusedToken: a send that finds its workspace
// uninstalled stops the workspace's sending like a refused token does,
// instead of being retried with backoff.
func TestUninstalledMidSweepIsARefusedToken(t *testing.T) {
	kind, _, code := classify(fmt.Errorf("chat.postMessage: %w", workspace.ErrNotInstalled))
	if kind != authRefused || code != "not_installed" {
		t.Errorf("classify(ErrNotInstalled) = %v, %q; want authRefused, not_installed", kind, code)
	}
	if kind, _, _ := classify(errors.New("connection reset")); kind != transient {
		t.Errorf("a network error classified %v, want transient", kind)
	}
}
