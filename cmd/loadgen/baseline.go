package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot/bot"
	"salesbot/store"
)

// startBaseline serves the baseline handler on a free loopback port, with a
// Redis client made as the bot makes its own (store.NewClient). It returns
// a function that stops both, and the server's URL.
func startBaseline(ctx context.Context, secret, redisURL, team string) (func(), string, error) {
	if err := CheckLoopback(redisURL); err != nil {
		return nil, "", fmt.Errorf("-redis: %w", err)
	}
	rdb, err := store.NewClient(redisURL)
	if err != nil {
		return nil, "", fmt.Errorf("-redis: %w", err)
	}
	key := BaselineKey(team)
	if err := SeedBaseline(ctx, rdb, key); err != nil {
		_ = rdb.Close()
		return nil, "", err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = rdb.Close()
		return nil, "", err
	}
	srv := &http.Server{
		Handler:           NewBaseline(bot.NewVerifier(secret, nil), rdb, key),
		ReadHeaderTimeout: 5 * time.Second,
	}
	go func() { _ = srv.Serve(ln) }()
	stop := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		_ = rdb.Del(sctx, key).Err()
		_ = rdb.Close()
	}
	return stop, "http://" + ln.Addr().String(), nil
}

// BaselineKey is the one key the baseline reads, outside the bot's keys.
func BaselineKey(team string) string { return "loadgen:baseline:" + team }

// baselineValueBytes is the size of the value the baseline reads: about a
// stored lead's JSON with a few stakeholders.
const baselineValueBytes = 1024

// SeedBaseline writes the value the baseline reads, for an hour.
func SeedBaseline(ctx context.Context, rdb redis.UniversalClient, key string) error {
	if err := rdb.Set(ctx, key, strings.Repeat("x", baselineValueBytes), time.Hour).Err(); err != nil {
		return fmt.Errorf("seed the baseline's key: %w", err)
	}
	return nil
}

// NewBaseline returns the limit the bot is measured against: a handler that
// reads the body (at most bot.MaxBodyBytes), verifies its Slack signature,
// does one Redis GET of key and answers with a small JSON message.
func NewBaseline(v *bot.Verifier, rdb redis.UniversalClient, key string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, bot.MaxBodyBytes))
		if err != nil {
			http.Error(w, "cannot read request body", http.StatusBadRequest)
			return
		}
		if err := v.Verify(r.Header, body); err != nil {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		val, err := rdb.Get(r.Context(), key).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			http.Error(w, "redis unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		fmt.Fprintf(w, "{\"response_type\":\"ephemeral\",\"text\":\"%d bytes\"}\n", len(val))
	})
}
