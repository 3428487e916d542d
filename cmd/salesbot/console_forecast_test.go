package main

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"salesbot"
	"salesbot/chart"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// TestConsoleDemoForecast runs the manager's forecast on the demo's deals:
// the team's won and committed values are the sums of the demo's leads
// counted by hand, the slipped deal is listed, and the two charts are saved
// as PNGs of the chart package's size.
func TestConsoleDemoForecast(t *testing.T) {
	env, team := onRedis(t)
	files := t.TempDir()
	s := runScript(t, env, []string{"--team", team, "--tz", "UTC", "--demo", "--manager", "--files", files},
		`/salesbot forecast quarter all`,
	)
	reply := s.reply(t, 0)

	leads, err := store.New(redistest.Client(t)).AllLeads(context.Background(), team)
	if err != nil {
		t.Fatal(err)
	}
	quarter := salesbot.QuarterOf(today())
	tally := salesbot.NewTally()
	var slipped []string
	for _, l := range leads {
		if d := l.Deal(); quarter.Contains(d.CloseBy) {
			tally.Count(d, salesbot.DefaultProbability())
		}
		if l.Open() && l.Slips > 0 && !quarter.Contains(l.CloseBy) {
			slipped = append(slipped, l.Company)
		}
	}
	const cny salesbot.Currency = "CNY"
	if tally.Commit.In(cny).Minor == 0 || tally.Won.In(cny).Minor == 0 || len(slipped) != 1 {
		t.Fatalf("the demo's quarter has won %s and commit %s, and deals slipped out of it: %v; want some won, some committed and one slipped",
			tally.Won.Sprint(), tally.Commit.Sprint(), slipped)
	}
	mustContain(t, "forecast", reply,
		"Forecast · "+quarter.InLanguage("en"),
		"Team — won "+tally.Won.InLanguage("en", cny)+" · commit "+tally.Commit.InLanguage("en", cny)+" · ",
		"Slipped out of "+quarter.InLanguage("en"), slipped[0],
		"Target ")

	entries, err := os.ReadDir(files)
	if err != nil {
		t.Fatal(err)
	}
	var pngs []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".png") {
			pngs = append(pngs, e.Name())
		}
	}
	if len(pngs) != 2 {
		t.Fatalf("saved PNGs = %v; want the pipeline and the reps charts", pngs)
	}
	for _, name := range pngs {
		f, err := os.Open(filepath.Join(files, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if b := img.Bounds(); b.Dx() != chart.Width || b.Dy() != chart.Height {
			t.Errorf("%s is %d×%d; want %d×%d", name, b.Dx(), b.Dy(), chart.Width, chart.Height)
		}
		mustContain(t, "forecast", reply, name)
	}
}
