package salesbot_test

import (
	"strings"
	"testing"
	"time"

	"salesbot"
)

func toks(t *testing.T, s string) []salesbot.Token {
	t.Helper()
	out, err := salesbot.Fields(s)
	if err != nil {
		t.Fatalf("Fields(%q): %v", s, err)
	}
	return out
}

// TestParseInquiry: the company is the first word or a quoted name; a
// source word after it is the source; anything else starts the notes.
func TestParseInquiry(t *testing.T) {
	for _, c := range []struct {
		in   string
		want salesbot.InquiryInput
	}{
		{"Acme 来电 wants a quote for 200 seats", salesbot.InquiryInput{Company: "Acme", Source: salesbot.SourceInbound, Notes: "wants a quote for 200 seats"}},
		{"Acme", salesbot.InquiryInput{Company: "Acme", Source: salesbot.SourceInbound}},
		{"Acme referral from Globex", salesbot.InquiryInput{Company: "Acme", Source: salesbot.SourceReferral, Notes: "from Globex"}},
		{"Acme wants a quote", salesbot.InquiryInput{Company: "Acme", Source: salesbot.SourceInbound, Notes: "wants a quote"}},
		{`"Acme Industrial" 展会 met at the Canton fair`, salesbot.InquiryInput{Company: "Acme Industrial", Source: salesbot.SourceEvent, Notes: "met at the Canton fair"}},
		{`“华为 技术” 介绍`, salesbot.InquiryInput{Company: "华为 技术", Source: salesbot.SourceReferral}},
		{"上海明达机械有限公司 上门 想了解ERP", salesbot.InquiryInput{Company: "上海明达机械有限公司", Source: salesbot.SourceInbound, Notes: "想了解ERP"}},
		{`Acme "web" is a word of the notes when quoted`, salesbot.InquiryInput{Company: "Acme", Source: salesbot.SourceInbound, Notes: "web is a word of the notes when quoted"}},
	} {
		got, err := salesbot.ParseInquiry(toks(t, c.in))
		if err != nil || got != c.want {
			t.Errorf("ParseInquiry(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	for in, says := range map[string]string{
		"":                                 "Which company called?",
		"<@U0REP> wants a quote":           "can't be a mention",
		"Acme Industrial 来电 wants a quote": `Is the company "Acme Industrial"?`,
		"来电 wants a quote":                 `"来电" is a lead source, not a company`,
	} {
		_, err := salesbot.ParseInquiry(toks(t, in))
		wantCode(t, err, salesbot.EINVALID)
		wantMessage(t, err, says)
		if in != "Acme Industrial 来电 wants a quote" {
			wantMessage(t, err, "/lead inbound <company> [source] [notes]")
		}
	}
}

// TestNewInquiry: names and notes are cleaned and bounded; the inquiry is
// raised again one working day later on the recorder's clock.
func TestNewInquiry(t *testing.T) {
	shanghai := mustLoc(t, "Asia/Shanghai")
	recv := salesbot.Actor{User: "U0DESK", Zone: shanghai}
	w := salesbot.DefaultWorkHours()
	// Thursday 16:00 in Shanghai.
	at := time.Date(2026, 11, 26, 16, 0, 0, 0, shanghai)
	q, err := salesbot.NewInquiry(recv, "T1", salesbot.InquiryInput{Company: "  Acme\u200b  Co ", Notes: " wants a quote "}, at, w)
	if err != nil {
		t.Fatal(err)
	}
	if q.Company != "Acme Co" || q.Notes != "wants a quote" || q.Source != salesbot.SourceInbound || q.By != "U0DESK" ||
		!q.Waiting() || q.Zone != "Asia/Shanghai" {
		t.Errorf("inquiry = %+v", q)
	}
	if want := time.Date(2026, 11, 27, 16, 0, 0, 0, shanghai); !q.RaiseAt.Equal(want) {
		t.Errorf("raised at %v; want Friday 16:00, one working day later (%v)", q.RaiseAt.In(shanghai), want)
	}
	// Friday 16:00: Monday 16:00. Friday 20:00: all of Monday, so Tuesday 09:00.
	q.MarkRaised(time.Date(2026, 11, 27, 16, 0, 0, 0, shanghai), w)
	if want := time.Date(2026, 11, 30, 16, 0, 0, 0, shanghai); !q.RaiseAt.Equal(want) || q.Raised != 1 {
		t.Errorf("after a raise on Friday: next %v (raised %d); want Monday 16:00", q.RaiseAt.In(shanghai), q.Raised)
	}
	q.MarkRaised(time.Date(2026, 11, 27, 20, 0, 0, 0, shanghai), w)
	if want := time.Date(2026, 12, 1, 9, 0, 0, 0, shanghai); !q.RaiseAt.Equal(want) {
		t.Errorf("after a raise on Friday evening: next %v; want Tuesday 09:00", q.RaiseAt.In(shanghai))
	}

	for _, bad := range []salesbot.InquiryInput{
		{Company: ""},
		{Company: strings.Repeat("A", salesbot.MaxCompanyLen+1)},
		{Company: "Acme\x07"},
		{Company: "Acme", Notes: strings.Repeat("字", salesbot.MaxInquiryNotes+1)},
		{Company: "Acme", Notes: "bell\x07"},
		{Company: "Acme", Source: "linkedin"},
	} {
		if _, err := salesbot.NewInquiry(recv, "T1", bad, at, w); salesbot.ErrorCode(err) != salesbot.EINVALID {
			t.Errorf("NewInquiry(%+v) = %v; want EINVALID", bad, err)
		}
	}
}

// TestAddWorking: working time counts only inside the working hours of
// working days, on the person's clock, and skips their days off.
func TestAddWorking(t *testing.T) {
	shanghai := mustLoc(t, "Asia/Shanghai")
	w := salesbot.DefaultWorkHours()                                                          // 09–18, Monday to Friday
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, shanghai) } // 23 Nov is a Monday
	for _, c := range []struct {
		name     string
		from     time.Time
		d        time.Duration
		want     time.Time
		daysOff  []salesbot.DateSpan
		workdays string
	}{
		{name: "inside the day", from: at(23, 10, 0), d: 4 * time.Hour, want: at(23, 14, 0)},
		{name: "ends at the day's end", from: at(23, 14, 0), d: 4 * time.Hour, want: at(23, 18, 0)},
		{name: "16:00 runs into the next morning", from: at(23, 16, 0), d: 4 * time.Hour, want: at(24, 11, 0)},
		{name: "the evening counts from the next morning", from: at(23, 20, 30), d: 4 * time.Hour, want: at(24, 13, 0)},
		{name: "before the day starts", from: at(24, 6, 0), d: 90 * time.Minute, want: at(24, 10, 30)},
		{name: "Friday afternoon to Monday", from: at(27, 16, 0), d: 4 * time.Hour, want: at(30, 11, 0)},
		{name: "Saturday to Monday", from: at(28, 11, 0), d: 4 * time.Hour, want: time.Date(2026, 11, 30, 13, 0, 0, 0, shanghai)},
		{name: "a day off is skipped", from: at(23, 16, 0), d: 4 * time.Hour, want: at(25, 11, 0),
			daysOff: []salesbot.DateSpan{{From: day(2026, 11, 24), To: day(2026, 11, 24)}}},
		{name: "a six-day week", from: at(27, 16, 0), d: 4 * time.Hour, want: at(28, 11, 0), workdays: "1-6"},
		{name: "two working days", from: at(26, 10, 0), d: 18 * time.Hour, want: at(30, 10, 0)},
		{name: "nothing", from: at(28, 11, 0), d: 0, want: at(28, 11, 0)},
	} {
		hours := w
		if c.workdays != "" {
			hours, _ = salesbot.ParseWorkHours("09-18", c.workdays)
		}
		got := salesbot.NotifyPrefs{DaysOff: c.daysOff}.AddWorking(c.from, c.d, hours)
		if !got.Equal(c.want) {
			t.Errorf("%s: %v + %v = %v; want %v", c.name, c.from, c.d, got.In(shanghai), c.want)
		}
	}
	// A daylight-saving change: New York's clocks go forward on Sunday 8
	// March 2026; Friday 16:00 + 4 h is Monday 11:00 on the wall clock.
	ny := mustLoc(t, "America/New_York")
	if got, want := w.DayLength(), 9*time.Hour; got != want {
		t.Errorf("DayLength = %v", got)
	}
	got := salesbot.NotifyPrefs{}.AddWorking(time.Date(2026, 3, 6, 16, 0, 0, 0, ny), 4*time.Hour, w)
	if want := time.Date(2026, 3, 9, 11, 0, 0, 0, ny); !got.Equal(want) {
		t.Errorf("across the DST change: %v; want %v", got, want)
	}
	// No working day at all: plain time.
	none := salesbot.WorkHours{From: 9, To: 18}
	if got := (salesbot.NotifyPrefs{}).AddWorking(at(23, 16, 0), 4*time.Hour, none); !got.Equal(at(23, 20, 0)) {
		t.Errorf("no working days: %v", got)
	}
}

func TestParseInboundDue(t *testing.T) {
	for in, want := range map[string]salesbot.InboundDue{
		"": {Time: 4 * time.Hour}, "4h": {Time: 4 * time.Hour}, "90m": {Time: 90 * time.Minute}, "30s": {Time: 30 * time.Second},
		"1d": {Days: 1}, "1d4h": {Days: 1, Time: 4 * time.Hour}, " 2h30m ": {Time: 150 * time.Minute},
	} {
		got, err := salesbot.ParseInboundDue(in)
		if err != nil || got != want {
			t.Errorf("ParseInboundDue(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if in != "" {
			if again, err := salesbot.ParseInboundDue(got.String()); err != nil || again != got {
				t.Errorf("%q written as %q reads back as %+v, %v", in, got.String(), again, err)
			}
		}
	}
	for _, bad := range []string{"4", "soon", "-4h", "0h", "0d", "31d", "30d1h", "800h", "xd", "1d-1h"} {
		if got, err := salesbot.ParseInboundDue(bad); err == nil {
			t.Errorf("ParseInboundDue(%q) = %+v; want an error", bad, got)
		}
	}
	shanghai := mustLoc(t, "Asia/Shanghai")
	w := salesbot.DefaultWorkHours()
	from := time.Date(2026, 11, 23, 16, 0, 0, 0, shanghai)
	if got, want := (salesbot.InboundDue{Days: 1, Time: time.Hour}).After(from, w, salesbot.NotifyPrefs{}), time.Date(2026, 11, 24, 17, 0, 0, 0, shanghai); !got.Equal(want) {
		t.Errorf("1d1h after Monday 16:00 = %v; want Tuesday 17:00 (2 h on Monday, 8 on Tuesday)", got)
	}
}

// TestInquiryAssign: only a manager assigns; the lead is the rep's, from the
// inquiry's source, registered by the recorder, due when asked, with a
// first history entry that names both; a settled inquiry is a conflict
// saying to whom it went.
func TestInquiryAssign(t *testing.T) {
	w := salesbot.DefaultWorkHours()
	desk := salesbot.Actor{User: "U0DESK"}
	q, err := salesbot.NewInquiry(desk, "T1", salesbot.InquiryInput{Company: "Acme", Source: salesbot.SourceReferral, Notes: "wants a quote"}, registered, w)
	if err != nil {
		t.Fatal(err)
	}
	due := registered.Add(4 * time.Hour)
	if _, _, err := q.Assign(rep, rep.User, salesbot.GradeC, due, registered); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN || !q.Waiting() {
		t.Fatalf("a rep assigning: %v (status %s); want EFORBIDDEN and nothing changed", err, q.Status)
	}
	if _, _, err := q.Assign(boss, "", salesbot.GradeC, due, registered); salesbot.ErrorCode(err) != salesbot.EINVALID || !q.Waiting() {
		t.Fatalf("assigning to no one: %v", err)
	}
	l, c, err := q.Assign(boss, rep.User, salesbot.GradeC, due, registered)
	if err != nil {
		t.Fatal(err)
	}
	if l.Owner != rep.User || l.Source != salesbot.SourceReferral || l.CreatedBy != "U0DESK" || !l.NextStepDue.Equal(due) ||
		l.NextStep != "wants a quote" || l.Stage != salesbot.StageLead || l.Company != "Acme" {
		t.Errorf("lead = %+v", l)
	}
	if l.Schedule(salesbot.DefaultCadence()); !l.Due.Equal(due) {
		t.Errorf("the lead is due %v; want its first touch %v", l.Due, due)
	}
	if c.Kind != salesbot.ChangeCreated || c.By != boss.User || !strings.Contains(c.Reason, "recorded by <@U0DESK>") || !strings.Contains(c.Reason, "assigned by <@U0BOSS>") {
		t.Errorf("first history entry = %+v", c)
	}
	if q.Status != salesbot.InquiryAssigned || q.Rep != rep.User || q.SettledBy != boss.User {
		t.Errorf("inquiry = %+v", q)
	}
	_, _, err = q.Assign(boss, stranger.User, salesbot.GradeC, due, registered)
	wantCode(t, err, salesbot.ECONFLICT)
	wantMessage(t, err, "already assigned to", "U0REP", "U0BOSS")

	// Taken by a manager; closed because the company became a lead first.
	q2, _ := salesbot.NewInquiry(desk, "T1", salesbot.InquiryInput{Company: "Globex"}, registered, w)
	if _, _, err := q2.Assign(boss, boss.User, salesbot.GradeC, due, registered); err != nil {
		t.Fatal(err)
	}
	_, _, err = q2.Assign(boss, boss.User, salesbot.GradeC, due, registered)
	wantMessage(t, err, "already taken by")
	q3, _ := salesbot.NewInquiry(desk, "T1", salesbot.InquiryInput{Company: "Initech"}, registered, w)
	if err := q3.Close(boss, newLead(t, "Initech", salesbot.GradeB), registered); err != nil || q3.Status != salesbot.InquiryClosed || q3.Owner != rep.User {
		t.Fatalf("close: %v, %+v", err, q3)
	}
	_, _, err = q3.Assign(boss, boss.User, salesbot.GradeC, due, registered)
	wantMessage(t, err, "is closed", "U0REP")
}
