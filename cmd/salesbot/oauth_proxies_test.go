package main

import (
	"errors"
	"strings"
	"testing"
)

// TestLoadConfigTrustedProxies: SALESBOT_TRUSTED_PROXIES is none unless
// set, takes addresses and networks, and names what is wrong.
func TestLoadConfigTrustedProxies(t *testing.T) {
	c, err := LoadConfig(env(oauthEnv()), true)
	if err != nil || len(c.OAuth.TrustedProxies) != 0 {
		t.Fatalf("default: %v, %v; want none", c.OAuth.TrustedProxies, err)
	}
	e := oauthEnv()
	e["SALESBOT_TRUSTED_PROXIES"] = "10.0.0.0/8, 192.0.2.9"
	if c, err := LoadConfig(env(e), true); err != nil || len(c.OAuth.TrustedProxies) != 2 || c.OAuth.TrustedProxies[1].String() != "192.0.2.9/32" {
		t.Errorf("set: %v, %v", c.OAuth, err)
	}
	e["SALESBOT_TRUSTED_PROXIES"] = "lb.internal"
	var se *SettingError
	if _, err := LoadConfig(env(e), true); !errors.As(err, &se) || se.Name != "SALESBOT_TRUSTED_PROXIES" || !strings.Contains(err.Error(), "lb.internal") {
		t.Errorf("a host name: %v", err)
	}
}
