package install

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// StateTTL is how long an install link's state may be used: the time to
// read Slack's consent page and click Allow.
const StateTTL = 10 * time.Minute

// The reasons a state is refused.
var (
	ErrStateInvalid = errors.New("the install link's state is not one this bot signed")
	ErrStateExpired = errors.New("the install link has expired")
	ErrStateUsed    = errors.New("the install link was already used")
)

const nonceSize = 16

// states issues and checks the state parameter of the install flow: a
// random nonce and its expiry, signed with HMAC-SHA256, and recorded in
// Redis until used, so that each works once, on any replica.
type states struct {
	key   []byte
	redis redis.UniversalClient
	now   func() time.Time
}

// newStates derives the signing key from secret (the client secret), so
// that no other setting is needed and another app's states do not verify.
func newStates(secret string, r redis.UniversalClient, now func() time.Time) *states {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("salesbot oauth state v1"))
	return &states{key: m.Sum(nil), redis: r, now: now}
}

// stateKey records a nonce not used yet. Each is its own key (and, on a
// Cluster, slot): a state concerns no team.
func stateKey(nonce []byte) string {
	return "sb:oauth:state:" + base64.RawURLEncoding.EncodeToString(nonce)
}

func (s *states) sign(payload []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write(payload)
	return m.Sum(nil)
}

// issue makes a new state and records its nonce for StateTTL.
func (s *states) issue(ctx context.Context) (string, error) {
	payload := make([]byte, nonceSize+8)
	if _, err := rand.Read(payload[:nonceSize]); err != nil {
		return "", fmt.Errorf("state: %w", err)
	}
	binary.BigEndian.PutUint64(payload[nonceSize:], uint64(s.now().Add(StateTTL).Unix()))
	ok, err := s.redis.SetNX(ctx, stateKey(payload[:nonceSize]), 1, StateTTL).Result()
	if err != nil {
		return "", fmt.Errorf("record state: %w", err)
	}
	if !ok {
		return "", errors.New("record state: nonce already taken")
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(s.sign(payload)), nil
}

// consume checks state's signature and expiry, then uses it up: of two
// requests that carry it, only one passes.
func (s *states) consume(ctx context.Context, state string) error {
	body, sig, ok := strings.Cut(state, ".")
	enc := base64.RawURLEncoding
	payload, err1 := enc.DecodeString(body)
	mac, err2 := enc.DecodeString(sig)
	if !ok || err1 != nil || err2 != nil || len(payload) != nonceSize+8 || !hmac.Equal(mac, s.sign(payload)) {
		return ErrStateInvalid
	}
	expires := time.Unix(int64(binary.BigEndian.Uint64(payload[nonceSize:])), 0)
	if !s.now().Before(expires) {
		return ErrStateExpired
	}
	n, err := s.redis.Del(ctx, stateKey(payload[:nonceSize])).Result()
	if err != nil {
		return fmt.Errorf("use state: %w", err)
	}
	if n != 1 {
		return ErrStateUsed
	}
	return nil
}
