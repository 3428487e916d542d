package salesbot_test

import (
	"testing"
	"time"

	"salesbot"
)

func TestParseWorkHours(t *testing.T) {
	w, err := salesbot.ParseWorkHours("09-18", "1-5")
	if err != nil || w.From != 9 || w.To != 18 || w.Days[time.Sunday] || w.Days[time.Saturday] || !w.Days[time.Monday] || !w.Days[time.Friday] {
		t.Fatalf("%+v %v", w, err)
	}
	if w, _ := salesbot.ParseWorkHours("8-20", "0-6"); !w.Days[time.Sunday] || !w.Days[time.Saturday] {
		t.Errorf("0-6: %+v", w.Days)
	}
	if w, _ := salesbot.ParseWorkHours("8-20", "1,3,7"); !w.Days[time.Sunday] || !w.Days[time.Wednesday] || w.Days[time.Tuesday] {
		t.Errorf("1,3,7: %+v", w.Days)
	}
	for _, bad := range [][2]string{{"18-09", "1-5"}, {"9", "1-5"}, {"0-25", "1-5"}, {"09-18", "5-1"}, {"09-18", "mon-fri"}, {"09-18", "8"}} {
		if _, err := salesbot.ParseWorkHours(bad[0], bad[1]); err == nil {
			t.Errorf("ParseWorkHours(%q, %q) accepted", bad[0], bad[1])
		}
	}
}

func TestWorkHoursNext(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	sh, _ := time.LoadLocation("Asia/Shanghai")
	w := salesbot.DefaultWorkHours()
	tests := []struct {
		name string
		at   time.Time
		want time.Time
	}{
		{"inside", time.Date(2026, 11, 23, 10, 30, 0, 0, sh), time.Date(2026, 11, 23, 10, 30, 0, 0, sh)},
		{"before opening", time.Date(2026, 11, 23, 7, 0, 0, 0, sh), time.Date(2026, 11, 23, 9, 0, 0, 0, sh)},
		{"at closing", time.Date(2026, 11, 23, 18, 0, 0, 0, sh), time.Date(2026, 11, 24, 9, 0, 0, 0, sh)},
		{"friday night", time.Date(2026, 11, 27, 22, 0, 0, 0, sh), time.Date(2026, 11, 30, 9, 0, 0, 0, sh)},
		{"saturday", time.Date(2026, 11, 28, 11, 0, 0, 0, sh), time.Date(2026, 11, 30, 9, 0, 0, 0, sh)},
		// New York springs forward on Sunday 2027-03-14 and falls back on
		// Sunday 2026-11-01: the next opening is 09:00 by the local clock.
		{"after spring forward", time.Date(2027, 3, 13, 20, 0, 0, 0, ny), time.Date(2027, 3, 15, 9, 0, 0, 0, ny)},
		{"after fall back", time.Date(2026, 10, 31, 20, 0, 0, 0, ny), time.Date(2026, 11, 2, 9, 0, 0, 0, ny)},
	}
	for _, tt := range tests {
		got := w.Next(tt.at)
		if !got.Equal(tt.want) || got.Location() != tt.at.Location() {
			t.Errorf("%s: Next(%v) = %v, want %v", tt.name, tt.at, got, tt.want)
		}
		if !w.Open(got) {
			t.Errorf("%s: %v is not open", tt.name, got)
		}
	}
	var none salesbot.WorkHours
	none.From, none.To = 9, 18
	if at := time.Date(2026, 11, 23, 3, 0, 0, 0, sh); !none.Next(at).Equal(at) {
		t.Error("no working days must not hold a reminder back forever")
	}
}
