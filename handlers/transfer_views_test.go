package handlers

import (
	"strings"
	"testing"

	"salesbot"
	"salesbot/i18n"
)

// TestRowErrorLineCutsNoEntity: a long row error full of & < > is cut
// before it is escaped, never inside &amp;, &lt; or &gt;.
func TestRowErrorLineCutsNoEntity(t *testing.T) {
	for n := range 8 {
		cell := strings.Repeat("x", n) + strings.Repeat("&<>", 200)
		for _, e := range []salesbot.RowError{
			{Row: 2, Column: "Company", Message: cell},
			{Row: 2, Column: "Owner", Message: "x", Format: "The owner %q is not a Slack mention, user ID or e-mail address. Write one, e.g. wang.li@example.com.", Args: []any{cell}},
		} {
			line := rowErrorLine(i18n.En, e)
			rest := line
			for {
				amp := strings.IndexByte(rest, '&')
				if amp < 0 {
					break
				}
				rest = rest[amp:]
				if !strings.HasPrefix(rest, "&amp;") && !strings.HasPrefix(rest, "&lt;") && !strings.HasPrefix(rest, "&gt;") {
					t.Fatalf("a cut entity at %q in\n%s", rest[:min(8, len(rest))], line)
				}
				rest = rest[1:]
			}
			if strings.ContainsAny(line, "<>") {
				t.Errorf("unescaped: %s", line)
			}
		}
	}
}
