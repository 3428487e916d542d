package service_test

import (
	"reflect"
	"testing"
	"time"

	"salesbot"
	"salesbot/service"
)

// TestSetNotifyPrefs: a person's choices are checked (the mode, an hour of
// 0–23, spans of days off that are real, not over, within a year) and kept
// sorted; a refused one changes nothing.
func TestSetNotifyPrefs(t *testing.T) {
	st, team := newTeam(t)
	ctx := t.Context()
	svc := service.New(service.Config{Store: st, Team: team})
	rep := salesbot.Actor{User: "UREP", Zone: time.UTC}
	day := func(m time.Month, d int) salesbot.Date { return salesbot.Date{Year: 2026, Month: m, Day: d} }
	span := func(from, to salesbot.Date) salesbot.DateSpan { return salesbot.DateSpan{From: from, To: to} }
	good := salesbot.NotifyPrefs{Mode: salesbot.NotifyBatch, BatchHour: 8, SkipEmptyDigest: true,
		DaysOff: []salesbot.DateSpan{span(day(12, 24), day(12, 31)), span(day(11, 24), day(11, 24))}}
	got, err := svc.SetNotifyPrefs(ctx, team, rep, good, now)
	if err != nil {
		t.Fatal(err)
	}
	if got.DaysOff[0].From != day(11, 24) {
		t.Errorf("days off %v, want them sorted", got.DaysOff)
	}
	if read, err := svc.NotifyPrefs(ctx, team, rep.User); err != nil || !reflect.DeepEqual(read, got) {
		t.Fatalf("read back %+v %v, want %+v", read, err, got)
	}
	bad := map[string]salesbot.NotifyPrefs{
		"mode":         {Mode: "hourly", BatchHour: 8},
		"hour 24":      {Mode: salesbot.NotifyBatch, BatchHour: 24},
		"hour -5":      {Mode: salesbot.NotifyBatch, BatchHour: -5},
		"backwards":    {Mode: salesbot.NotifyBatch, BatchHour: 8, DaysOff: []salesbot.DateSpan{span(day(12, 24), day(12, 20))}},
		"over":         {Mode: salesbot.NotifyBatch, BatchHour: 8, DaysOff: []salesbot.DateSpan{span(day(11, 1), day(11, 2))}},
		"years ahead":  {Mode: salesbot.NotifyBatch, BatchHour: 8, DaysOff: []salesbot.DateSpan{span(day(12, 1), salesbot.Date{Year: 2028, Month: 1, Day: 1})}},
		"no first day": {Mode: salesbot.NotifyBatch, BatchHour: 8, DaysOff: []salesbot.DateSpan{{To: day(12, 1)}}},
	}
	for name, p := range bad {
		if _, err := svc.SetNotifyPrefs(ctx, team, rep, p, now); salesbot.ErrorCode(err) != salesbot.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
	if read, _ := svc.NotifyPrefs(ctx, team, rep.User); !reflect.DeepEqual(read, got) {
		t.Errorf("after refusals: %+v, want %+v unchanged", read, got)
	}
	// A span kept from before that is over since is dropped when the
	// choices are set again, not refused.
	later := now.Add(10 * 24 * time.Hour)
	again := got
	again.BatchHour = 9
	kept, err := svc.SetNotifyPrefs(ctx, team, rep, again, later)
	if err != nil || len(kept.DaysOff) != 1 || kept.DaysOff[0].From != day(12, 24) {
		t.Errorf("set again after a span is over: %+v %v, want the span still to come alone", kept, err)
	}
	many := salesbot.NotifyPrefs{Mode: salesbot.NotifyEach, BatchHour: salesbot.DayStart}
	for i := range 31 {
		d := day(12, 1).AddDays(i)
		many.DaysOff = append(many.DaysOff, span(d, d))
	}
	if _, err := svc.SetNotifyPrefs(ctx, team, rep, many, now); salesbot.ErrorCode(err) != salesbot.EINVALID {
		t.Errorf("31 spans of days off: %v, want EINVALID", err)
	}
}

// TestMaintenanceService: the team's plan is the default until a manager
// sets a grade's list; only managers may, only for C and D; an empty list
// goes back to the default.
func TestMaintenanceService(t *testing.T) {
	st, team := newTeam(t)
	ctx := t.Context()
	svc := service.New(service.Config{Store: st, Team: team})
	plan, err := svc.Maintenance(ctx, team)
	if err != nil || !reflect.DeepEqual(plan, salesbot.DefaultMaintenance()) {
		t.Fatalf("before any: %+v %v, want the default", plan, err)
	}
	list := []salesbot.MaintenanceAction{{Kind: salesbot.KindEvent, Text: "spring seminar"}}
	mgr, rep := salesbot.Actor{User: "UMGR", Manager: true}, salesbot.Actor{User: "UREP"}
	if _, err := svc.SetMaintenance(ctx, team, rep, salesbot.GradeC, list); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Errorf("a rep sets the list: %v, want EFORBIDDEN", err)
	}
	if _, err := svc.SetMaintenance(ctx, team, mgr, salesbot.GradeA, list); salesbot.ErrorCode(err) != salesbot.EINVALID {
		t.Errorf("a list for A: %v, want EINVALID", err)
	}
	plan, err = svc.SetMaintenance(ctx, team, mgr, salesbot.GradeC, list)
	if err != nil || !reflect.DeepEqual(plan[salesbot.GradeC], list) || !reflect.DeepEqual(plan[salesbot.GradeD], salesbot.DefaultMaintenance()[salesbot.GradeD]) {
		t.Fatalf("after setting C: %+v %v", plan, err)
	}
	if plan, _ = svc.SetMaintenance(ctx, team, mgr, salesbot.GradeC, nil); !reflect.DeepEqual(plan, salesbot.DefaultMaintenance()) {
		t.Errorf("after going back: %+v, want the default", plan)
	}
}
