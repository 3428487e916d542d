package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	"salesbot"
)

func env(pairs map[string]string) func(string) string {
	return func(k string) string { return pairs[k] }
}

func goodEnv() map[string]string {
	return map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret"}
}

func TestLoadConfigDefaults(t *testing.T) {
	c, err := LoadConfig(env(goodEnv()), true)
	if err != nil {
		t.Fatal(err)
	}
	if c.RedisURL != "redis://localhost:6379/0" || c.ListenAddr != ":3000" || c.Sweep != "@every 1m" ||
		c.Digest != "0 8 * * 1-5" || c.WorkHours != salesbot.DefaultWorkHours() || c.APIURL != "https://slack.com/api/" ||
		c.ReminderLease != 2*time.Minute {
		t.Errorf("defaults: %+v", c)
	}
	if c.Cadence[salesbot.GradeA] != 7*24*time.Hour || c.Cadence[salesbot.GradeD] != 90*24*time.Hour {
		t.Errorf("cadence %v", c.Cadence)
	}
	if c.Review != "0 9 * * 1" || c.Currency != "CNY" || c.Probability.String() != salesbot.DefaultProbability().String() {
		t.Errorf("review %q, currency %q, probability %v; want Monday 09:00, CNY and DOMAIN.md's table", c.Review, c.Currency, c.Probability)
	}
	// Socket Mode needs no signing secret.
	if _, err := LoadConfig(env(map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}), true); err != nil {
		t.Errorf("socket mode: %v", err)
	}
	// The console needs no Slack at all.
	if _, err := LoadConfig(env(nil), false); err != nil {
		t.Errorf("console: %v", err)
	}
}

// TestLoadConfigPipelineSettings: the forecast's currency and probabilities
// and the review's time are read as written.
func TestLoadConfigPipelineSettings(t *testing.T) {
	e := goodEnv()
	e["SALESBOT_CURRENCY"], e["SALESBOT_PROBABILITY"], e["SALESBOT_REVIEW"] = " usd ", "quote=40,negotiation=90%", "30 8 * * 2"
	c, err := LoadConfig(env(e), true)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Probability
	if c.Currency != "USD" || p[salesbot.StageQuote] != 40 || p[salesbot.StageNegotiation] != 90 || p[salesbot.StageDemo] != 35 || c.Review != "30 8 * * 2" {
		t.Errorf("currency %q, probability %v, review %q", c.Currency, p, c.Review)
	}
}

// TestLoadConfigSaysWhatIsWrong: a refused pipeline setting says what is
// wrong with it in one line, without the domain's error code.
func TestLoadConfigSaysWhatIsWrong(t *testing.T) {
	for name, value := range map[string]string{"SALESBOT_CURRENCY": "XYZ", "SALESBOT_PROBABILITY": "quote=150", "SALESBOT_REVIEW": "CRON_TZ=UTC 0 9 * * 1"} {
		e := goodEnv()
		e[name] = value
		_, err := LoadConfig(env(e), true)
		if err == nil || !strings.HasPrefix(err.Error(), name+": ") || strings.Contains(err.Error(), "invalid:") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s=%q: %v", name, value, err)
		}
	}
}

func TestLoadConfigNamesTheBadSetting(t *testing.T) {
	cases := []struct{ name, value, want string }{
		{"SLACK_BOT_TOKEN", "", "SLACK_BOT_TOKEN"},
		{"SLACK_BOT_TOKEN", "xoxp-user", "SLACK_BOT_TOKEN"},
		{"SLACK_SIGNING_SECRET", "", "SLACK_SIGNING_SECRET"},
		{"SLACK_APP_TOKEN", "xoxb-wrong", "SLACK_APP_TOKEN"},
		{"SLACK_API_URL", "https://slack.com/api", "SLACK_API_URL"},
		{"SLACK_API_URL", "ftp://x/", "SLACK_API_URL"},
		{"REDIS_URL", "mysql://localhost", "REDIS_URL"},
		{"REDIS_URL", "redis-sentinel://h:26379", "REDIS_URL"},
		{"LISTEN_ADDR", "3000", "LISTEN_ADDR"},
		{"SALESBOT_MANAGERS", "U123,bob", "SALESBOT_MANAGERS"},
		{"SALESBOT_CADENCE", "A=soon", "SALESBOT_CADENCE"},
		{"SALESBOT_CADENCE", "E=7d", "SALESBOT_CADENCE"},
		{"SALESBOT_SWEEP", "every minute", "SALESBOT_SWEEP"},
		{"SALESBOT_DIGEST", "CRON_TZ=Mars/Olympus 0 8 * * *", "SALESBOT_DIGEST"},
		{"SALESBOT_DIGEST", "0 25 * * *", "SALESBOT_DIGEST"},
		{"SALESBOT_WORK_HOURS", "18-09", "SALESBOT_WORK_HOURS"},
		{"SALESBOT_WORK_HOURS", "nine-five", "SALESBOT_WORK_HOURS"},
		{"SALESBOT_WORK_DAYS", "mon-fri", "SALESBOT_WORK_DAYS"},
		{"SALESBOT_DIGEST", "CRON_TZ=Asia/Shanghai 0 8 * * *", "SALESBOT_DIGEST"},
		{"SALESBOT_REVIEW", "CRON_TZ=America/New_York 0 9 * * 1", "SALESBOT_REVIEW"},
		{"SALESBOT_REVIEW", "0 9 * * 8", "SALESBOT_REVIEW"},
		{"SALESBOT_REVIEW", "mondays", "SALESBOT_REVIEW"},
		{"SALESBOT_CURRENCY", "RMB", "SALESBOT_CURRENCY"},
		{"SALESBOT_CURRENCY", "XYZ", "SALESBOT_CURRENCY"},
		{"SALESBOT_PROBABILITY", "quote=150", "SALESBOT_PROBABILITY"},
		{"SALESBOT_PROBABILITY", "signing-party=90", "SALESBOT_PROBABILITY"},
		{"SALESBOT_PROBABILITY", "quote:50", "SALESBOT_PROBABILITY"},
		{"SALESBOT_REMINDER_LEASE", "soon", "SALESBOT_REMINDER_LEASE"},
		{"SALESBOT_REMINDER_LEASE", "1s", "SALESBOT_REMINDER_LEASE"},
		{"SALESBOT_REMINDER_LEASE", "2h", "SALESBOT_REMINDER_LEASE"},
	}
	for _, c := range cases {
		e := goodEnv()
		e[c.name] = c.value
		_, err := LoadConfig(env(e), true)
		var se *SettingError
		if !errors.As(err, &se) || se.Name != c.want {
			t.Errorf("%s=%q: err %v, want a SettingError naming %s", c.name, c.value, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: error leaks the signing secret: %v", c.name, err)
		}
	}
}

func TestLoadConfigNeverEchoesRedisPassword(t *testing.T) {
	e := goodEnv()
	e["REDIS_URL"] = "redis://:hunter2@localhost:6379/notadb"
	_, err := LoadConfig(env(e), true)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err %v", err)
	}
}
