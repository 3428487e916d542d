package scheduler

import (
	"testing"
	"time"
)

// TestNextOnWall: the digest's next instant is read on the manager's wall
// clock, and a wall time a daylight-saving change skips is taken early,
// never late.
func TestNextOnWall(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	eight, err := ParseDigestSpec("0 8 * * *")
	if err != nil {
		t.Fatal(err)
	}
	twoThirty, err := ParseDigestSpec("30 2 * * *")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		spec string
		now  time.Time
		want time.Time
	}{
		{"before 08:00 in summer", "eight", time.Date(2026, 6, 17, 5, 0, 0, 0, time.UTC), time.Date(2026, 6, 17, 6, 0, 0, 0, time.UTC)},
		{"after 08:00: tomorrow", "eight", time.Date(2026, 6, 17, 6, 0, 0, 0, time.UTC), time.Date(2026, 6, 18, 6, 0, 0, 0, time.UTC)},
		{"08:00 in winter", "eight", time.Date(2026, 1, 14, 5, 0, 0, 0, time.UTC), time.Date(2026, 1, 14, 7, 0, 0, 0, time.UTC)},
		// 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 never shows,
		// and the digest is due from 03:00 CEST (01:00 UTC) on.
		{"02:30 skipped", "twoThirty", time.Date(2026, 3, 28, 23, 0, 0, 0, time.UTC), time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC)},
		// 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 shows
		// twice, first at 00:30 UTC.
		{"02:30 shown twice", "twoThirty", time.Date(2026, 10, 24, 23, 0, 0, 0, time.UTC), time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)},
	} {
		sched := eight
		if c.spec == "twoThirty" {
			sched = twoThirty
		}
		if got := nextOnWall(sched, c.now, berlin); !got.Equal(c.want) {
			t.Errorf("%s: next at %v, want %v", c.name, got.UTC(), c.want)
		}
	}
}

// TestNextHour: a rep's morning may begin on the next whole hour of their
// clock, whatever their zone's offset.
func TestNextHour(t *testing.T) {
	kathmandu, err := time.LoadLocation("Asia/Kathmandu") // UTC+05:45
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 17, 3, 0, 0, 0, time.UTC) // 08:45 in Kathmandu
	if got, want := nextHour(now, kathmandu), time.Date(2026, 6, 17, 3, 15, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("next hour at %v, want %v", got.UTC(), want)
	}
	if got, want := nextHour(now, time.UTC), time.Date(2026, 6, 17, 4, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("next hour in UTC at %v, want %v", got.UTC(), want)
	}
}
