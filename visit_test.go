package salesbot_test

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"salesbot"
)

// visitToday is "today" for the visit-text tests: a Monday.
var visitToday = day(2026, 11, 23)

func TestParseVisitText(t *testing.T) {
	type vt = salesbot.VisitText
	today := visitToday
	tests := []struct {
		text string
		want vt
	}{
		{"", vt{Date: today}},
		{"met the CFO", vt{Date: today, Notes: "met the CFO"}},
		{"2026-11-20 met the CFO", vt{Date: day(2026, 11, 20), Notes: "met the CFO"}},
		{"2026/11/20 met", vt{Date: day(2026, 11, 20), Notes: "met"}},
		{"２０２６-１１-２０ 拜访", vt{Date: day(2026, 11, 20), Notes: "拜访"}},
		{"today demo went well", vt{Date: today, Notes: "demo went well"}},
		{"Yesterday call with IT", vt{Date: day(2026, 11, 22), Notes: "call with IT"}},
		{"昨天 拜访 王总", vt{Date: day(2026, 11, 22), Notes: "拜访 王总"}},
		{"tomorrow", vt{Date: day(2026, 11, 24)}},                                                      // RecordVisit refuses it; the parser only reads it
		{`"2026-11-20" is when they decide`, vt{Date: today, Notes: "2026-11-20 is when they decide"}}, // quoted: a note
		{"met CFO on 2026-11-20", vt{Date: today, Notes: "met CFO on 2026-11-20"}},                     // only the first word is the date
		{"3pm call", vt{Date: today, Notes: "3pm call"}},
		{"the next step is unclear", vt{Date: today, Notes: "the next step is unclear"}}, // a bare "next" is a word
		// The next step (DOMAIN.md §4).
		{"met CFO next: 2026-12-01 send quote", vt{Date: today, Notes: "met CFO", NextStep: "send quote", NextDate: day(2026, 12, 1)}},
		{"met CFO next:2026-12-01 send quote", vt{Date: today, Notes: "met CFO", NextStep: "send quote", NextDate: day(2026, 12, 1)}},
		{"met CFO NEXT: 2026-12-01 send quote", vt{Date: today, Notes: "met CFO", NextStep: "send quote", NextDate: day(2026, 12, 1)}},
		{"met CFO Next:send quote", vt{Date: today, Notes: "met CFO", NextStep: "send quote"}},
		{"met CFO next: send quote", vt{Date: today, Notes: "met CFO", NextStep: "send quote"}},
		{"met CFO next: 2026-12-01", vt{Date: today, Notes: "met CFO", NextDate: day(2026, 12, 1)}},
		{"met CFO next: tomorrow call back", vt{Date: today, Notes: "met CFO", NextStep: "call back", NextDate: day(2026, 11, 24)}},
		{"met CFO next： 2026-12-01 send quote", vt{Date: today, Notes: "met CFO", NextStep: "send quote", NextDate: day(2026, 12, 1)}},
		{"2026-11-20 next: 2026-12-01 call", vt{Date: day(2026, 11, 20), NextStep: "call", NextDate: day(2026, 12, 1)}},
		{"next: 2026-12-01 call", vt{Date: today, NextStep: "call", NextDate: day(2026, 12, 1)}},
		{"拜访 王总 下一步：2026-12-01 发报价", vt{Date: today, Notes: "拜访 王总", NextStep: "发报价", NextDate: day(2026, 12, 1)}},
		{"拜访 下一步： 明天 打电话", vt{Date: today, Notes: "拜访", NextStep: "打电话", NextDate: day(2026, 11, 24)}},
		{"拜访 下一步:发报价", vt{Date: today, Notes: "拜访", NextStep: "发报价"}},
		{`met "next: not a marker" twice`, vt{Date: today, Notes: "met next: not a marker twice"}},
		{`met next: "2026-12-01" in quotes`, vt{Date: today, Notes: "met", NextStep: "2026-12-01 in quotes"}},
		{"met next: 2026-12-01 call next: again", vt{Date: today, Notes: "met", NextStep: "call next: again", NextDate: day(2026, 12, 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, err := salesbot.ParseVisitText(mustFields(t, tt.text), today)
			if err != nil {
				t.Fatalf("ParseVisitText(%q): %v", tt.text, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseVisitText(%q) =\n  %+v\nwant\n  %+v", tt.text, got, tt.want)
			}
		})
	}
}

func TestParseVisitTextRefuses(t *testing.T) {
	tests := []struct {
		text    string
		mention []string
	}{
		{"2026-02-30 met the CFO", []string{`"2026-02-30"`, "not a real day"}},
		{"2026-13-01", []string{`"2026-13-01"`}},
		{"26-1-1 met", []string{`"26-1-1"`, "YYYY-MM-DD"}},
		{"23.11.2026 met", []string{`"23.11.2026"`, "YYYY-MM-DD"}},
		{"met next: 2026-13-01 call", []string{`"2026-13-01"`}},
		{"met next:2026-02-30 call", []string{`"2026-02-30"`}},
		// A marker with nothing after it: the reply shows a full example, a
		// week from today.
		{"next:", []string{"`next:` needs a date and a step", "next: 2026-11-30"}},
		{"met the CFO next:", []string{"`next:` needs a date and a step"}},
		{"met the CFO 下一步：", []string{"`next:` needs a date and a step"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			v, err := salesbot.ParseVisitText(mustFields(t, tt.text), visitToday)
			wantCode(t, err, salesbot.EINVALID)
			if !reflect.DeepEqual(v, salesbot.VisitText{}) {
				t.Errorf("got %+v alongside an error", v)
			}
			wantMessage(t, err, tt.mention...)
		})
	}
}

func TestParseVisitTextGluedMarkerKeepsCase(t *testing.T) {
	for _, tt := range []struct{ text, step string }{
		{"met next:İstanbul office", "İstanbul office"}, // lower-casing İ shrinks it: the step starts mid-rune
		{"met next:ȺȺȺȺȺȺ", "ȺȺȺȺȺȺ"},                   // lower-casing Ⱥ grows it: slice bounds out of range, a panic
	} {
		v, err := salesbot.ParseVisitText(mustFields(t, tt.text), visitToday)
		if err != nil || v.NextStep != tt.step {
			t.Errorf("ParseVisitText(%q) next step = %q, %v; want %q", tt.text, v.NextStep, err, tt.step)
		}
	}
}

var nextMarkers = []string{"next:", "next：", "下一步:", "下一步："}

// gluedMarker finds the first unquoted token that opens the next step and,
// when the step is glued to it ("next:2026-12-01"), returns the tokens with
// the marker split off as its own word ("next:" "2026-12-01").
func gluedMarker(tokens []salesbot.Token) (split []salesbot.Token, marker, glued bool) {
	for i, tok := range tokens {
		if tok.Quoted {
			continue
		}
		for _, m := range nextMarkers {
			// The markers' letters are ASCII, so the marker is the token's
			// first len(m) bytes in some letter case.
			if len(tok.Text) < len(m) || !strings.EqualFold(tok.Text[:len(m)], m) {
				continue
			}
			if len(tok.Text) == len(m) {
				return nil, true, false
			}
			split = append(split, tokens[:i]...)
			split = append(split, salesbot.Token{Text: tok.Text[:len(m)]}, salesbot.Token{Text: tok.Text[len(m):]})
			split = append(split, tokens[i+1:]...)
			return split, true, true
		}
	}
	return nil, false, false
}

func FuzzParseVisitText(f *testing.F) {
	for _, s := range []string{
		"",
		"met the CFO",
		"2026-11-20 met the CFO",
		"yesterday call",
		"2026-02-30 met",
		"met next: 2026-12-01 send quote",
		"met NEXT:2026-12-01 send quote",
		"Next:Send the quote",
		"拜访 下一步：2026-12-01 发报价",
		"拜访 下一步:明天 打电话",
		"next:",
		`"next: 2026-12-01" next: "x y"`,
		"next:Ééé ÀÖ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		tokens, err := salesbot.Fields(text)
		if err != nil {
			return
		}
		v, err := salesbot.ParseVisitText(tokens, visitToday)
		if err != nil {
			if code := salesbot.ErrorCode(err); code != salesbot.EINVALID {
				t.Fatalf("ParseVisitText(%q): error code %q, want %q", text, code, salesbot.EINVALID)
			}
			return
		}
		if v.Date.IsZero() {
			t.Fatalf("ParseVisitText(%q): no visit date", text)
		}
		if !utf8.ValidString(v.Notes) || !utf8.ValidString(v.NextStep) {
			t.Fatalf("ParseVisitText(%q) = %+v: not valid UTF-8", text, v)
		}
		split, marker, glued := gluedMarker(tokens)
		if !marker && (v.NextStep != "" || !v.NextDate.IsZero()) {
			t.Fatalf("ParseVisitText(%q) = %+v: a next step with no next: marker", text, v)
		}
		if marker && v.NextStep == "" && v.NextDate.IsZero() {
			t.Fatalf("ParseVisitText(%q) = %+v: a next: marker and no next step accepted", text, v)
		}
		// "next:2026-12-01 x" and "next: 2026-12-01 x" mean the same.
		if glued {
			again, err := salesbot.ParseVisitText(split, visitToday)
			if err != nil || !reflect.DeepEqual(again, v) {
				t.Fatalf("ParseVisitText(%q) = %+v, but with the marker split off %s = %+v, %v", text, v, show(split), again, err)
			}
		}
	})
}

// visitAt records a visit on l by actor a, and fails the test on error.
func visitAt(t *testing.T, l *salesbot.Lead, a salesbot.Actor, v salesbot.Visit, loc *time.Location, now time.Time) salesbot.Change {
	t.Helper()
	c, err := l.RecordVisit(a, &v, loc, now)
	if err != nil {
		t.Fatalf("RecordVisit(%+v) at %v: %v", v, now, err)
	}
	return c
}

func TestNextDue(t *testing.T) {
	utc := time.UTC
	cadence := salesbot.DefaultCadence()
	at := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, utc) }

	t.Run("new lead: registered plus the grade's cadence", func(t *testing.T) {
		for _, g := range salesbot.Grades {
			l := newLead(t, "Acme", g)
			l.Schedule(cadence)
			if want := registered.Add(cadence[g]); !l.Due.Equal(want) {
				t.Errorf("grade %s: Due = %v, want %v", g, l.Due, want)
			}
		}
	})
	t.Run("team cadence", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeA)
		if got, want := l.NextDue(salesbot.Cadence{salesbot.GradeA: 3 * salesbot.Day}), registered.Add(3*salesbot.Day); !got.Equal(want) {
			t.Errorf("NextDue = %v, want %v", got, want)
		}
		// A grade the team's cadence leaves out falls back to the default.
		l = newLead(t, "Acme", salesbot.GradeC)
		if got, want := l.NextDue(salesbot.Cadence{salesbot.GradeA: 3 * salesbot.Day}), registered.Add(30*salesbot.Day); !got.Equal(want) {
			t.Errorf("NextDue for C = %v, want %v", got, want)
		}
	})
	t.Run("after a visit: last touch plus cadence", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeB)
		now := at(11, 6, 15)
		visitAt(t, l, rep, salesbot.Visit{}, utc, now)
		l.Schedule(cadence)
		if want := now.Add(14 * salesbot.Day); !l.Due.Equal(want) {
			t.Errorf("Due = %v, want %v", l.Due, want)
		}
	})
	t.Run("a visit's next date overrides the cadence", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeD)
		visitAt(t, l, rep, salesbot.Visit{NextStep: "send the quote", NextDate: day(2026, 11, 10)}, utc, at(11, 4, 14))
		l.Schedule(cadence)
		if want := at(11, 10, 0); !l.Due.Equal(want) {
			t.Errorf("Due = %v, want %v", l.Due, want)
		}
		if l.NextStep != "send the quote" {
			t.Errorf("NextStep = %q", l.NextStep)
		}
	})
	t.Run("a next step without a date keeps the cadence", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeA)
		now := at(11, 4, 14)
		visitAt(t, l, rep, salesbot.Visit{NextStep: "send the deck"}, utc, now)
		l.Schedule(cadence)
		if want := now.Add(7 * salesbot.Day); !l.Due.Equal(want) || l.NextStep != "send the deck" {
			t.Errorf("Due = %v, NextStep = %q; want %v, %q", l.Due, l.NextStep, want, "send the deck")
		}
	})
	t.Run("a later visit without a next step clears the old one", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeB)
		visitAt(t, l, rep, salesbot.Visit{NextStep: "demo", NextDate: day(2026, 11, 20)}, utc, at(11, 4, 14))
		later := at(11, 9, 10)
		visitAt(t, l, rep, salesbot.Visit{Notes: "demo done early"}, utc, later)
		l.Schedule(cadence)
		if l.NextStep != "" || !l.NextStepDue.IsZero() {
			t.Errorf("NextStep = %q, NextStepDue = %v; want both cleared", l.NextStep, l.NextStepDue)
		}
		if want := later.Add(14 * salesbot.Day); !l.Due.Equal(want) {
			t.Errorf("Due = %v, want %v", l.Due, want)
		}
	})
	t.Run("a back-dated visit neither moves the clock back nor clears the plan", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeB)
		touched := at(11, 9, 10)
		visitAt(t, l, rep, salesbot.Visit{NextStep: "demo", NextDate: day(2026, 11, 20)}, utc, touched)
		// Logged on the 10th, for a call on the 5th.
		visitAt(t, l, rep, salesbot.Visit{Date: day(2026, 11, 5), Kind: salesbot.KindCall}, utc, at(11, 10, 10))
		l.Schedule(cadence)
		if !l.LastTouch.Equal(touched) {
			t.Errorf("LastTouch = %v, want %v", l.LastTouch, touched)
		}
		if l.NextStep != "demo" || !l.Due.Equal(at(11, 20, 0)) {
			t.Errorf("NextStep = %q, Due = %v; want the plan kept: demo on 2026-11-20", l.NextStep, l.Due)
		}
	})
	t.Run("closed leads are never due", func(t *testing.T) {
		won := newLead(t, "Acme", salesbot.GradeA)
		if _, err := won.Win(boss, at(11, 5, 10)); err != nil {
			t.Fatal(err)
		}
		lost := newLead(t, "Beta", salesbot.GradeA)
		visitAt(t, lost, rep, salesbot.Visit{NextStep: "call", NextDate: day(2026, 11, 9)}, utc, at(11, 4, 10))
		if _, err := lost.Lose(rep, "went with a rival", at(11, 5, 10)); err != nil {
			t.Fatal(err)
		}
		for _, l := range []*salesbot.Lead{won, lost} {
			l.Due = at(11, 6, 0)
			l.Schedule(cadence)
			if !l.Due.IsZero() {
				t.Errorf("%s (%s): Due = %v, want zero", l.Company, l.Stage, l.Due)
			}
		}
	})
	t.Run("a regrade changes the due date", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeC)
		l.Schedule(cadence)
		if want := registered.Add(30 * salesbot.Day); !l.Due.Equal(want) {
			t.Fatalf("Due = %v, want %v", l.Due, want)
		}
		if _, err := l.Regrade(rep, salesbot.GradeA, "selection starts next month", at(11, 3, 9)); err != nil {
			t.Fatal(err)
		}
		l.Schedule(cadence)
		if want := registered.Add(7 * salesbot.Day); !l.Due.Equal(want) {
			t.Errorf("after C→A: Due = %v, want %v", l.Due, want)
		}
	})
}

func TestRecordVisit(t *testing.T) {
	shanghai := mustLoc(t, "Asia/Shanghai")
	// 10:00 on Monday 2026-11-23 in Shanghai.
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai)

	t.Run("today uses now", func(t *testing.T) {
		for _, d := range []salesbot.Date{{}, day(2026, 11, 23)} {
			l := newLead(t, "Acme", salesbot.GradeA)
			v := salesbot.Visit{Date: d, Notes: "met the CFO"}
			c, err := l.RecordVisit(rep, &v, shanghai, now)
			if err != nil {
				t.Fatal(err)
			}
			if !l.LastTouch.Equal(now) {
				t.Errorf("date %q: LastTouch = %v, want now (%v)", d, l.LastTouch, now)
			}
			if v.Date != day(2026, 11, 23) {
				t.Errorf("date %q: visit date = %v, want today", d, v.Date)
			}
			want := salesbot.Change{LeadID: "L1", Company: "Acme", Kind: salesbot.ChangeVisit, By: rep.User, At: now, To: "2026-11-23", Reason: "visit: met the CFO"}
			if c != want {
				t.Errorf("change = %+v\nwant %+v", c, want)
			}
			if v.LeadID != "L1" || v.By != rep.User || !v.LoggedAt.Equal(now) || v.Kind != salesbot.KindVisit {
				t.Errorf("visit = %+v: want lead L1, by the rep, logged now, kind visit", v)
			}
		}
	})
	t.Run("a past date is noon of that day in the rep's zone", func(t *testing.T) {
		for _, tz := range []string{"Asia/Shanghai", "America/New_York"} {
			loc := mustLoc(t, tz)
			l := newLead(t, "Acme", salesbot.GradeA)
			visitAt(t, l, rep, salesbot.Visit{Date: day(2026, 11, 20)}, loc, now)
			if want := time.Date(2026, 11, 20, 12, 0, 0, 0, loc); !l.LastTouch.Equal(want) {
				t.Errorf("%s: LastTouch = %v, want %v", tz, l.LastTouch, want)
			}
		}
		// Concretely: noon in Shanghai is 04:00 UTC, noon in New York 17:00 UTC.
		l := newLead(t, "Acme", salesbot.GradeA)
		visitAt(t, l, rep, salesbot.Visit{Date: day(2026, 11, 20)}, mustLoc(t, "America/New_York"), now)
		if want := time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC); !l.LastTouch.Equal(want) {
			t.Errorf("New York: LastTouch = %v, want %v", l.LastTouch.UTC(), want)
		}
	})
	t.Run("today is the rep's today", func(t *testing.T) {
		// 03:00 UTC on the 24th is 11:00 on the 24th in Shanghai but still
		// 22:00 on the 23rd in New York.
		instant := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
		l := newLead(t, "Acme", salesbot.GradeA)
		visitAt(t, l, rep, salesbot.Visit{Date: day(2026, 11, 24)}, shanghai, instant)
		if !l.LastTouch.Equal(instant) {
			t.Errorf("Shanghai: LastTouch = %v, want %v", l.LastTouch, instant)
		}
		l = newLead(t, "Acme", salesbot.GradeA)
		_, err := l.RecordVisit(rep, &salesbot.Visit{Date: day(2026, 11, 24)}, mustLoc(t, "America/New_York"), instant)
		wantCode(t, err, salesbot.EINVALID)
		wantMessage(t, err, "2026-11-24 is in the future")
	})
	t.Run("next date starts the day in the rep's zone", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeA)
		visitAt(t, l, rep, salesbot.Visit{NextStep: "send the quote", NextDate: day(2026, 11, 30)}, shanghai, now)
		if want := time.Date(2026, 11, 29, 16, 0, 0, 0, time.UTC); !l.NextStepDue.Equal(want) {
			t.Errorf("NextStepDue = %v, want %v", l.NextStepDue.UTC(), want)
		}
		// Today is a valid date for the next step.
		visitAt(t, l, rep, salesbot.Visit{NextStep: "call back", NextDate: day(2026, 11, 23)}, shanghai, now)
	})
	t.Run("refused", func(t *testing.T) {
		tests := []struct {
			name    string
			actor   salesbot.Actor
			v       salesbot.Visit
			code    string
			mention string
		}{
			{"future date", rep, salesbot.Visit{Date: day(2026, 11, 24)}, salesbot.EINVALID, "in the future"},
			{"next date passed", rep, salesbot.Visit{NextStep: "call", NextDate: day(2026, 11, 22)}, salesbot.EINVALID, "has passed"},
			{"too long ago", rep, salesbot.Visit{Date: day(2016, 10, 1)}, salesbot.EINVALID, "too long ago"},
			{"unknown kind", rep, salesbot.Visit{Kind: "fax"}, salesbot.EINVALID, "visit, call, demo, event, message, news, case, reference or greeting"},
			{"notes too long", rep, salesbot.Visit{Notes: strings.Repeat("x", salesbot.MaxTextLen+1)}, salesbot.EINVALID, "keep it under 1000"},
			{"control characters", rep, salesbot.Visit{Notes: "met\x1b[2J"}, salesbot.EINVALID, "cannot be shown"},
			{"stranger", stranger, salesbot.Visit{}, salesbot.EFORBIDDEN, "U0REP"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				l := newLead(t, "Acme", salesbot.GradeA)
				before := *l
				_, err := l.RecordVisit(tt.actor, &tt.v, shanghai, now)
				wantCode(t, err, tt.code)
				wantMessage(t, err, tt.mention)
				if !l.LastTouch.Equal(before.LastTouch) || l.NextStep != before.NextStep || !l.UpdatedAt.Equal(before.UpdatedAt) {
					t.Errorf("a refused visit changed the lead: %+v", l)
				}
			})
		}
	})
	t.Run("closed lead", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeA)
		if _, err := l.Lose(rep, "", now); err != nil {
			t.Fatal(err)
		}
		_, err := l.RecordVisit(rep, &salesbot.Visit{}, shanghai, now)
		wantCode(t, err, salesbot.EINVALID)
	})
	t.Run("a manager may log on a rep's lead", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeA)
		c := visitAt(t, l, boss, salesbot.Visit{Kind: salesbot.KindDemo}, shanghai, now)
		if c.By != boss.User || c.Reason != "demo" {
			t.Errorf("change = %+v", c)
		}
	})
	t.Run("long notes are summarised", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeA)
		c := visitAt(t, l, rep, salesbot.Visit{Kind: salesbot.KindCall, Notes: strings.Repeat("谈", 300)}, shanghai, now)
		if n := utf8.RuneCountInString(c.Reason); n != 140 || !strings.HasPrefix(c.Reason, "call: 谈") || !strings.HasSuffix(c.Reason, "…") {
			t.Errorf("summary = %q (%d characters), want 140 characters ending in …", c.Reason, n)
		}
	})
}

func TestParseVisitKind(t *testing.T) {
	tests := []struct {
		in   string
		want salesbot.VisitKind
	}{
		{"", salesbot.KindVisit}, {"visit", salesbot.KindVisit}, {" Call ", salesbot.KindCall},
		{"DEMO", salesbot.KindDemo}, {"event", salesbot.KindEvent}, {"message", salesbot.KindMessage},
	}
	for _, tt := range tests {
		if got, err := salesbot.ParseVisitKind(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseVisitKind(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	_, err := salesbot.ParseVisitKind("fax")
	wantCode(t, err, salesbot.EINVALID)
}

func TestCheckNextDate(t *testing.T) {
	today := salesbot.Date{Year: 2026, Month: 11, Day: 23}
	tests := []struct {
		d    salesbot.Date
		code string
	}{
		{salesbot.Date{}, ""},
		{today, ""},
		{today.AddDays(salesbot.MaxPlanDays), ""},
		{today.AddDays(salesbot.MaxPlanDays + 1), salesbot.EINVALID},
		{salesbot.Date{Year: 9999, Month: 12, Day: 31}, salesbot.EINVALID},
		{today.AddDays(-1), salesbot.EINVALID},
	}
	for _, tt := range tests {
		wantCode(t, salesbot.CheckNextDate(tt.d, today), tt.code)
	}
}

func TestParseVisitTextMet(t *testing.T) {
	type vt = salesbot.VisitText
	today := visitToday
	tests := []struct {
		text string
		want vt
	}{
		// After the notes: every name to the end, or to next:.
		{"talked pricing met: Wang Li", vt{Date: today, Notes: "talked pricing", Met: []string{"Wang Li"}}},
		{"talked pricing met: Wang Li, Li Na", vt{Date: today, Notes: "talked pricing", Met: []string{"Wang Li", "Li Na"}}},
		{`talked pricing met: "Wang Li", "Li Na"`, vt{Date: today, Notes: "talked pricing", Met: []string{"Wang Li", "Li Na"}}},
		{"demo met: Wang Li next: 2026-12-01 send quote", vt{Date: today, Notes: "demo", Met: []string{"Wang Li"}, NextStep: "send quote", NextDate: day(2026, 12, 1)}},
		{"2026-11-20 demo MET: Wang Li", vt{Date: day(2026, 11, 20), Notes: "demo", Met: []string{"Wang Li"}}},
		// Before the notes: quoted names end at the first other word.
		{`met: "Wang Li" talked pricing`, vt{Date: today, Notes: "talked pricing", Met: []string{"Wang Li"}}},
		{`met: "Wang Li", "Li Na" talked pricing`, vt{Date: today, Notes: "talked pricing", Met: []string{"Wang Li", "Li Na"}}},
		{`met: “Wang Li” , 「王总」 talked next: call`, vt{Date: today, Notes: "talked", Met: []string{"Wang Li", "王总"}, NextStep: "call"}},
		{`yesterday met: "Wang Li"`, vt{Date: day(2026, 11, 22), Met: []string{"Wang Li"}}},
		// Unquoted, before notes: all of it is names; RecordVisit says so.
		{"met: Wang Li talked pricing", vt{Date: today, Met: []string{"Wang Li talked pricing"}}},
		// Glued to the marker, Chinese markers and separators.
		{"met:Wang", vt{Date: today, Met: []string{"Wang"}}},
		{"拜访 见了：王总、李工", vt{Date: today, Notes: "拜访", Met: []string{"王总", "李工"}}},
		{"拜访 见了: 王总，李工 下一步：2026-12-01 发报价", vt{Date: today, Notes: "拜访", Met: []string{"王总", "李工"}, NextStep: "发报价", NextDate: day(2026, 12, 1)}},
		{"见了：王总 met： 李工", vt{Date: today, Met: []string{"王总 met： 李工"}}}, // one marker only
		// Not markers.
		{`we "met: nobody" today`, vt{Date: today, Notes: "we met: nobody today"}},
		{"we met the CFO", vt{Date: today, Notes: "we met the CFO"}},
		{"call next: met: Wang Li", vt{Date: today, Notes: "call", NextStep: "met: Wang Li"}}, // after next: it is the step
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, err := salesbot.ParseVisitText(mustFields(t, tt.text), today)
			if err != nil {
				t.Fatalf("ParseVisitText(%q): %v", tt.text, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseVisitText(%q) =\n  %+v\nwant\n  %+v", tt.text, got, tt.want)
			}
		})
	}
}

func TestParseVisitTextMetRefuses(t *testing.T) {
	for _, text := range []string{"met:", "talked met:", "met: , ，", "met: next: 2026-12-01 call", `met: "" talked`, "见了："} {
		t.Run(text, func(t *testing.T) {
			v, err := salesbot.ParseVisitText(mustFields(t, text), visitToday)
			wantCode(t, err, salesbot.EINVALID)
			wantMessage(t, err, "`met:` needs the names", `met: "Wang Li", "Li Na"`)
			if !reflect.DeepEqual(v, salesbot.VisitText{}) {
				t.Errorf("got %+v alongside an error", v)
			}
		})
	}
}

func TestRecordVisitMet(t *testing.T) {
	shanghai := mustLoc(t, "Asia/Shanghai")
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai)
	cast := func(t *testing.T) *salesbot.Lead {
		t.Helper()
		l := newLead(t, "Acme", salesbot.GradeA)
		for _, s := range []salesbot.Stakeholder{
			{Name: "Wang Li", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 1},
			{Name: "Li Na", Role: salesbot.RoleCoach, Influence: salesbot.InfluenceLow, Support: 2, ContactDepth: salesbot.DepthSeveral},
			{Name: "Zhao Lei", Role: salesbot.RoleUser, Influence: salesbot.InfluenceLow, Support: 0, ContactDepth: salesbot.DepthDeep},
		} {
			if _, err := l.SetStakeholder(rep, s, registered); err != nil {
				t.Fatal(err)
			}
		}
		return l
	}
	depths := func(l *salesbot.Lead) []salesbot.ContactDepth {
		var d []salesbot.ContactDepth
		for _, s := range l.Stakeholders {
			d = append(d, s.ContactDepth)
		}
		return d
	}
	const (
		none    = salesbot.DepthNone
		brief   = salesbot.DepthBrief
		several = salesbot.DepthSeveral
		deep    = salesbot.DepthDeep
	)
	tests := []struct {
		name      string
		visits    [][]string // the people named on each visit today
		depths    []salesbot.ContactDepth
		lastMet   []bool // whether each person was met
		storedMet []string
	}{
		{"no one named", [][]string{nil}, []salesbot.ContactDepth{none, several, deep}, []bool{false, false, false}, nil},
		{"one step per visit", [][]string{{"Wang Li"}}, []salesbot.ContactDepth{brief, several, deep}, []bool{true, false, false}, []string{"Wang Li"}},
		{"several visits", [][]string{{"wang li"}, {"WANG LI"}, {"Wang Li"}}, []salesbot.ContactDepth{deep, several, deep}, []bool{true, false, false}, []string{"Wang Li"}},
		{"capped at deep", [][]string{{"Li Na", "Zhao Lei"}, {"Li Na"}}, []salesbot.ContactDepth{none, deep, deep}, []bool{false, true, true}, []string{"Li Na"}},
		{"named twice counts once", [][]string{{"Wang Li", "wang li", "Ｗａｎｇ Ｌｉ"}}, []salesbot.ContactDepth{brief, several, deep}, []bool{true, false, false}, []string{"Wang Li"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := cast(t)
			var stored []string
			for _, met := range tt.visits {
				v := salesbot.Visit{Met: met}
				if _, err := l.RecordVisit(rep, &v, shanghai, now); err != nil {
					t.Fatal(err)
				}
				stored = v.Met
			}
			if got := depths(l); !slices.Equal(got, tt.depths) {
				t.Errorf("depths = %q, want %q", got, tt.depths)
			}
			for i, s := range l.Stakeholders {
				if met := !s.LastMet.IsZero(); met != tt.lastMet[i] || (met && !s.LastMet.Equal(now)) {
					t.Errorf("%s: last met %v, want met now: %v", s.Name, s.LastMet, tt.lastMet[i])
				}
			}
			if !slices.Equal(stored, tt.storedMet) {
				t.Errorf("visit's Met = %q, want %q (as first recorded, once each)", stored, tt.storedMet)
			}
		})
	}

	t.Run("a back-dated visit deepens contact but does not move last met back", func(t *testing.T) {
		l := cast(t)
		visitAt(t, l, rep, salesbot.Visit{Met: []string{"Wang Li"}}, shanghai, now)
		visitAt(t, l, rep, salesbot.Visit{Date: day(2026, 11, 20), Met: []string{"Wang Li", "Li Na"}}, shanghai, now)
		wang, _ := l.Stakeholder("Wang Li")
		if wang.ContactDepth != several || !wang.LastMet.Equal(now) {
			t.Errorf("Wang Li: depth %q, last met %v; want several, %v", wang.ContactDepth, wang.LastMet, now)
		}
		li, _ := l.Stakeholder("Li Na")
		if want := time.Date(2026, 11, 20, 12, 0, 0, 0, shanghai); !li.LastMet.Equal(want) {
			t.Errorf("Li Na: last met %v, want noon of the visit's day %v", li.LastMet, want)
		}
	})

	t.Run("someone not recorded is refused and nothing changes", func(t *testing.T) {
		for _, met := range [][]string{{"Zhang San"}, {"Wang Li", "Zhang San"}, {"Wang Li talked pricing"}} {
			l := cast(t)
			before := slices.Clone(l.Stakeholders)
			_, err := l.RecordVisit(rep, &salesbot.Visit{Notes: "talked", Met: met}, shanghai, now)
			wantCode(t, err, salesbot.EINVALID)
			wantMessage(t, err, "is not one of the people recorded at Acme (Wang Li, Li Na, Zhao Lei)")
			if !l.LastTouch.IsZero() || !reflect.DeepEqual(l.Stakeholders, before) {
				t.Errorf("met %q: a refused visit changed the lead: last touch %v, people %+v", met, l.LastTouch, l.Stakeholders)
			}
		}
	})
}

// TestRecordVisitDepthByKind: a meeting (visit, demo, event) takes the people
// met a step deeper; a call or a message makes a first contact brief and
// goes no further, however many there are.
func TestRecordVisitDepthByKind(t *testing.T) {
	shanghai := mustLoc(t, "Asia/Shanghai")
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai)
	const (
		unset   = salesbot.ContactDepth("") // recorded before depths were kept
		none    = salesbot.DepthNone
		brief   = salesbot.DepthBrief
		several = salesbot.DepthSeveral
		deep    = salesbot.DepthDeep
	)
	tests := []struct {
		kind     salesbot.VisitKind
		from     salesbot.ContactDepth
		once     salesbot.ContactDepth // after one touch of the kind
		thrice   salesbot.ContactDepth // after three
		wantKind salesbot.VisitKind    // the kind recorded, when not kind as given
	}{
		{kind: salesbot.KindVisit, from: none, once: brief, thrice: deep},
		{kind: salesbot.KindVisit, from: unset, once: brief, thrice: deep},
		{kind: salesbot.KindVisit, from: brief, once: several, thrice: deep},
		{kind: salesbot.KindVisit, from: several, once: deep, thrice: deep},
		{kind: salesbot.KindVisit, from: deep, once: deep, thrice: deep},
		{kind: "", from: none, once: brief, thrice: deep, wantKind: salesbot.KindVisit}, // no kind is a visit
		{kind: salesbot.KindDemo, from: none, once: brief, thrice: deep},
		{kind: salesbot.KindDemo, from: brief, once: several, thrice: deep},
		{kind: salesbot.KindEvent, from: none, once: brief, thrice: deep},
		{kind: salesbot.KindEvent, from: several, once: deep, thrice: deep},
		{kind: salesbot.KindCall, from: none, once: brief, thrice: brief},
		{kind: salesbot.KindCall, from: unset, once: brief, thrice: brief},
		{kind: salesbot.KindCall, from: brief, once: brief, thrice: brief},
		{kind: salesbot.KindCall, from: several, once: several, thrice: several},
		{kind: salesbot.KindCall, from: deep, once: deep, thrice: deep},
		{kind: salesbot.KindMessage, from: none, once: brief, thrice: brief},
		{kind: salesbot.KindMessage, from: brief, once: brief, thrice: brief},
		{kind: salesbot.KindMessage, from: several, once: several, thrice: several},
		{kind: salesbot.KindMessage, from: deep, once: deep, thrice: deep},
		{kind: "Message", from: none, once: brief, thrice: brief, wantKind: salesbot.KindMessage},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s from %q", tt.kind, tt.from), func(t *testing.T) {
			l := newLead(t, "Acme", salesbot.GradeA)
			if _, err := l.SetStakeholder(rep, salesbot.Stakeholder{Name: "Wang Li", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh}, registered); err != nil {
				t.Fatal(err)
			}
			l.Stakeholders[0].ContactDepth = tt.from
			for i, want := range []salesbot.ContactDepth{tt.once, tt.thrice, tt.thrice} {
				touched := now.Add(time.Duration(i) * time.Minute)
				v := salesbot.Visit{Kind: tt.kind, Met: []string{"Wang Li"}}
				if _, err := l.RecordVisit(rep, &v, shanghai, touched); err != nil {
					t.Fatal(err)
				}
				if want := cmp.Or(tt.wantKind, tt.kind); v.Kind != want {
					t.Errorf("kind recorded as %q, want %q", v.Kind, want)
				}
				if i == 1 {
					continue // the second touch may be on its way to deep
				}
				s := l.Stakeholders[0]
				if s.ContactDepth != want {
					t.Errorf("after %d: depth %q, want %q", i+1, s.ContactDepth, want)
				}
				if !s.LastMet.Equal(touched) {
					t.Errorf("after %d: last met %v, want %v", i+1, s.LastMet, touched)
				}
			}
		})
	}

	t.Run("a meeting after messages goes one step deeper", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeA)
		if _, err := l.SetStakeholder(rep, salesbot.Stakeholder{Name: "Wang Li", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh}, registered); err != nil {
			t.Fatal(err)
		}
		for _, k := range []salesbot.VisitKind{salesbot.KindMessage, salesbot.KindCall, salesbot.KindMessage, salesbot.KindVisit} {
			visitAt(t, l, rep, salesbot.Visit{Kind: k, Met: []string{"Wang Li"}}, shanghai, now)
		}
		if got := l.Stakeholders[0].ContactDepth; got != several {
			t.Errorf("depth %q, want several", got)
		}
	})

	t.Run("messages do not clear the thin economic buyer risk", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeA)
		if _, err := l.SetStakeholder(rep, salesbot.Stakeholder{Name: "Wang Li", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh}, registered); err != nil {
			t.Fatal(err)
		}
		l.Stage = salesbot.StageDiscovery
		for range 3 {
			visitAt(t, l, rep, salesbot.Visit{Kind: salesbot.KindMessage, Met: []string{"Wang Li"}}, shanghai, now)
		}
		if !slices.Contains(kinds(salesbot.Risks(l, now, salesbot.DefaultCadence())), salesbot.RiskEconomicBuyerThin) {
			t.Errorf("after three messages (depth %q): no %s risk", l.Stakeholders[0].ContactDepth, salesbot.RiskEconomicBuyerThin)
		}
		visitAt(t, l, rep, salesbot.Visit{Kind: salesbot.KindVisit, Met: []string{"Wang Li"}}, shanghai, now)
		if slices.Contains(kinds(salesbot.Risks(l, now, salesbot.DefaultCadence())), salesbot.RiskEconomicBuyerThin) {
			t.Errorf("after a visit (depth %q): still the %s risk", l.Stakeholders[0].ContactDepth, salesbot.RiskEconomicBuyerThin)
		}
	})
}
