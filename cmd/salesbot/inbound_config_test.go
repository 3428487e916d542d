package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	"salesbot"
)

// TestLoadConfigInboundDue: SALESBOT_INBOUND_DUE is 4 working hours unless
// set; a bad value stops serve with one line naming it.
func TestLoadConfigInboundDue(t *testing.T) {
	c, err := LoadConfig(env(goodEnv()), true)
	if err != nil || c.InboundDue != (salesbot.InboundDue{Time: 4 * time.Hour}) {
		t.Fatalf("default: %+v, %v", c.InboundDue, err)
	}
	e := goodEnv()
	e["SALESBOT_INBOUND_DUE"] = "1d2h"
	if c, err := LoadConfig(env(e), true); err != nil || c.InboundDue != (salesbot.InboundDue{Days: 1, Time: 2 * time.Hour}) {
		t.Errorf("1d2h: %+v, %v", c.InboundDue, err)
	}
	for _, bad := range []string{"soon", "0h", "-4h", "31d", "4"} {
		e := goodEnv()
		e["SALESBOT_INBOUND_DUE"] = bad
		_, err := LoadConfig(env(e), true)
		var se *SettingError
		if !errors.As(err, &se) || se.Name != "SALESBOT_INBOUND_DUE" || strings.Contains(err.Error(), "\n") ||
			!strings.HasPrefix(err.Error(), "SALESBOT_INBOUND_DUE: ") || !strings.Contains(err.Error(), "default 4h") {
			t.Errorf("SALESBOT_INBOUND_DUE=%q: %v; want one line naming it, with the default", bad, err)
		}
	}
}
