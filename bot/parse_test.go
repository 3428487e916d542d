package bot

import (
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
)

// TestParseCommand checks parseCommand against url.ParseQuery and
// slashCommand: the same command, or an error for both, for Slack's own
// bodies and for random ones made of the bytes that matter to a form.
func TestParseCommand(t *testing.T) {
	check := func(body string) {
		t.Helper()
		form, wantErr := url.ParseQuery(body)
		got, err := parseCommand([]byte(body))
		if (err != nil) != (wantErr != nil) {
			t.Errorf("%q: error %v, url.ParseQuery's %v", body, err, wantErr)
			return
		}
		if err == nil && got != slashCommand(form) {
			t.Errorf("%q: parsed as\n%+v\nurl.ParseQuery and slashCommand:\n%+v", body, got, slashCommand(form))
		}
	}
	slackBody := url.Values{
		"token": {"tok"}, "team_id": {"T1"}, "team_domain": {"acme"}, "enterprise_id": {"E1"}, "enterprise_name": {"Acme & Co"},
		"is_enterprise_install": {"true"}, "channel_id": {"C1"}, "channel_name": {"general"}, "user_id": {"U1"}, "user_name": {"lou"},
		"command": {"/lead"}, "text": {`show "Acme <Industrial>" & 100% 中文 a+b=c;d`}, "response_url": {"https://hooks.slack.com/x?y=1&z=2"},
		"trigger_id": {"1.2.3"}, "api_app_id": {"A1"}, "extra": {"ignored"},
	}.Encode()
	for _, body := range []string{
		slackBody, "", "&", "&&", "=", "text", "text=", "text=a&text=b", "user_id=U1&user_id=U2", "is_enterprise_install=TRUE",
		"text=%zz", "te%xt=a", "text=a;b", "a;b=c&text=x", "text=a+b%20c", "text%3Dx=y", "text=%E4%B8%AD", "text=%",
		"token=a&text=b;c&user_id=U1", strings.Repeat("a=b&", 1200) + "text=x",
	} {
		check(body)
	}
	pieces := []string{"text", "user_id", "team_id", "command", "=", "&", ";", "%", "%2", "%20", "%zz", "+", "a", "中", "\xff", "true"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		check(b.String())
	}
}

// FuzzParseCommand is TestParseCommand's comparison over fuzzed bodies.
func FuzzParseCommand(f *testing.F) {
	f.Add("team_id=T1&user_id=U1&command=%2Flead&text=show+Acme")
	f.Add("text=a;b&user_id=%zz")
	f.Fuzz(func(t *testing.T, body string) {
		form, wantErr := url.ParseQuery(body)
		got, err := parseCommand([]byte(body))
		if (err != nil) != (wantErr != nil) || (err == nil && got != slashCommand(form)) {
			t.Errorf("%q: %+v, %v; url.ParseQuery: %+v, %v", body, got, err, slashCommand(form), wantErr)
		}
	})
}
