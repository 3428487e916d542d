package salesbot_test

import (
	"fmt"
	"testing"
	"time"

	"salesbot"
)

// TestParseDaysOff: days and spans, separated as people type them, with
// the span written .., ~ or 至; anything else refused naming the item.
func TestParseDaysOff(t *testing.T) {
	d := func(y, m, day int) salesbot.Date { return salesbot.Date{Year: y, Month: time.Month(m), Day: day} }
	got, err := salesbot.ParseDaysOff("2026-12-24..2027-01-02, 2027-02-10、2027-03-01 ~ 2027-03-03，2027-04-01至2027-04-02 ２０２７-05-01")
	if err != nil {
		t.Fatal(err)
	}
	want := []salesbot.DateSpan{
		{From: d(2026, 12, 24), To: d(2027, 1, 2)}, {From: d(2027, 2, 10), To: d(2027, 2, 10)},
		{From: d(2027, 3, 1), To: d(2027, 3, 3)}, {From: d(2027, 4, 1), To: d(2027, 4, 2)}, {From: d(2027, 5, 1), To: d(2027, 5, 1)},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if s := want[0].String() + " " + want[1].String(); s != "2026-12-24..2027-01-02 2027-02-10" {
		t.Errorf("written back as %q", s)
	}
	if none, err := salesbot.ParseDaysOff("  "); err != nil || len(none) != 0 {
		t.Errorf("nothing: %v %v", none, err)
	}
	for _, bad := range []string{"christmas", "2026-12-24..", "2026-13-01", "2026-12-24..2027-01-02..2027-01-05", "2026-02-30"} {
		if _, err := salesbot.ParseDaysOff(bad); salesbot.ErrorCode(err) != salesbot.EINVALID {
			t.Errorf("%q: %v, want EINVALID", bad, err)
		}
	}
}
