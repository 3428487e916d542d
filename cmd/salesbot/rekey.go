package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"salesbot/store"
)

// rekeyTimeout bounds a whole rekey: a scan of the keys and two round
// trips per installation.
const rekeyTimeout = 10 * time.Minute

// runRekey reseals every stored workspace token with the first key of
// SALESBOT_ENCRYPTION_KEY. The rotation: put the new key first in the list
// (new,old), restart every replica, run salesbot rekey, then drop the old
// key and restart again.
func runRekey(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	cfg, err := LoadConfig(getenv, false)
	if err != nil {
		return err
	}
	if cfg.OAuth == nil {
		return &SettingError{"SLACK_CLIENT_ID", "missing; rekey reseals the tokens of installs from a link, which need SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SALESBOT_PUBLIC_URL and SALESBOT_ENCRYPTION_KEY"}
	}
	client, err := store.NewClient(cfg.RedisURL)
	if err != nil {
		return fmt.Errorf("REDIS_URL: %w", err)
	}
	defer client.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	reg, err := newRegistry(cfg, client, store.New(client), log)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, rekeyTimeout)
	defer cancel()
	n, unopened, err := reg.Rekey(ctx)
	fmt.Fprintf(stdout, "resealed %d installation(s) with the first key\n", n)
	if len(unopened) > 0 {
		fmt.Fprintf(stdout, "no key opens the tokens of %d installation(s): %s (put their key back, or have them reinstall)\n",
			len(unopened), strings.Join(unopened, ", "))
		if err == nil {
			err = fmt.Errorf("rekey: %d installation(s) not resealed", len(unopened))
		}
	}
	return err
}
