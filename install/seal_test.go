package install_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"salesbot/install"
)

func mustRing(t *testing.T, keys ...[]byte) *install.Keyring {
	t.Helper()
	r, err := install.NewKeyring(keys)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSealOpensOnlyForItsOwnerAndField(t *testing.T) {
	ring := mustRing(t, newKey(t))
	sealed, err := ring.Seal("xoxb-1-secret", "T1", "bot_token")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "xoxb") || !strings.HasPrefix(sealed, "v1:") {
		t.Fatalf("sealed value %q", sealed)
	}
	if again, _ := ring.Seal("xoxb-1-secret", "T1", "bot_token"); again == sealed {
		t.Error("two seals of one token are equal: the nonce is not random")
	}
	if got, err := ring.Open(sealed, "T1", "bot_token"); err != nil || got != "xoxb-1-secret" {
		t.Errorf("Open = %q, %v", got, err)
	}
	raw := []byte(sealed)
	raw[len(raw)-2] ^= 1
	for name, open := range map[string]func() (string, error){
		"another team":   func() (string, error) { return ring.Open(sealed, "T2", "bot_token") },
		"another field":  func() (string, error) { return ring.Open(sealed, "T1", "refresh_token") },
		"another key":    func() (string, error) { return mustRing(t, newKey(t)).Open(sealed, "T1", "bot_token") },
		"altered":        func() (string, error) { return ring.Open(string(raw), "T1", "bot_token") },
		"not sealed":     func() (string, error) { return ring.Open("xoxb-1-secret", "T1", "bot_token") },
		"truncated":      func() (string, error) { return ring.Open(sealed[:10], "T1", "bot_token") },
		"unknown format": func() (string, error) { return ring.Open("v9:"+sealed[3:], "T1", "bot_token") },
	} {
		if got, err := open(); !errors.Is(err, install.ErrUnsealable) || got != "" {
			t.Errorf("%s: Open = %q, %v; want ErrUnsealable", name, got, err)
		}
	}
}

func TestKeyringRotation(t *testing.T) {
	old, next := newKey(t), newKey(t)
	sealed, _ := mustRing(t, old).Seal("xoxb-tok", "T1", "bot_token")
	both := mustRing(t, next, old)
	if got, err := both.Open(sealed, "T1", "bot_token"); err != nil || got != "xoxb-tok" {
		t.Errorf("ring new,old opens the old seal: %q, %v", got, err)
	}
	if both.Current(sealed) {
		t.Error("a seal with the old key counts as current")
	}
	resealed, _ := both.Seal("xoxb-tok", "T1", "bot_token")
	if !both.Current(resealed) {
		t.Error("a seal with the first key is not current")
	}
	if got, err := mustRing(t, next).Open(resealed, "T1", "bot_token"); err != nil || got != "xoxb-tok" {
		t.Errorf("ring new alone opens the new seal: %q, %v", got, err)
	}
	if _, err := mustRing(t, old).Open(resealed, "T1", "bot_token"); err == nil {
		t.Error("the old key opens a seal made with the new one")
	}
}

func TestParseKeys(t *testing.T) {
	k1, k2 := base64.StdEncoding.EncodeToString(make([]byte, 32)), base64.StdEncoding.EncodeToString([]byte(strings.Repeat("k", 32)))
	if keys, err := install.ParseKeys(" " + k1 + " , " + k2 + " "); err != nil || len(keys) != 2 || string(keys[1]) != strings.Repeat("k", 32) {
		t.Errorf("two keys: %d keys, %v", len(keys), err)
	}
	for _, bad := range []string{"", " , ", "not base64!", base64.StdEncoding.EncodeToString(make([]byte, 16)), k1 + ",short"} {
		if _, err := install.ParseKeys(bad); err == nil || !strings.Contains(err.Error(), "openssl rand -base64 32") {
			t.Errorf("ParseKeys(%q) = %v; want an error that says how to make a key", bad, err)
		}
	}
	if _, err := install.NewKeyring([][]byte{make([]byte, 16)}); err == nil {
		t.Error("NewKeyring took a 16-byte key")
	}
}
