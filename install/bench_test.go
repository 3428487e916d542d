package install_test

import (
	"context"
	"testing"

	"salesbot/internal/redistest"
)

// BenchmarkBotToken: what every Web API call of a workspace costs to find
// its token: one Redis round trip and an AES-GCM open.
func BenchmarkBotToken(b *testing.B) {
	team := redistest.Team(b)
	e := newEnv(b, grantFor(team))
	e.installed(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.reg.BotToken(ctx, team, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInstalledHit: the check on every command's path, answered from
// the process for 10 s.
func BenchmarkInstalledHit(b *testing.B) {
	team := redistest.Team(b)
	e := newEnv(b, grantFor(team))
	e.installed(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := e.reg.Installed(ctx, team, ""); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
