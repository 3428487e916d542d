package service_test

import (
	"testing"
	"time"

	"salesbot"
	"salesbot/service"
)

// TestDigestRemembersWhatItReported: the second digest, once the first was
// marked sent, counts the first's risks as standing, not new.
func TestDigestRemembersWhatItReported(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	create(t, st, team, "Beta", "UREP", salesbot.GradeB, now.Add(-2*time.Hour))
	first, err := svc.Digest(ctx, manager, team, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Reps) != 1 || len(first.Reps[0].NewRisks) != 1 || first.Quiet() {
		t.Fatalf("first digest: %+v", first.Reps)
	}
	if err := svc.MarkDigestSent(ctx, team, manager.User, first); err != nil {
		t.Fatal(err)
	}
	next, err := svc.Digest(ctx, manager, team, now.Add(salesbot.Day))
	if err != nil {
		t.Fatal(err)
	}
	if !next.Quiet() || next.Standings() != 1 {
		t.Fatalf("next digest: quiet %v, standing %d; want quiet, 1 standing: %+v", next.Quiet(), next.Standings(), next.Reps)
	}
}

// TestRepRisksForManagersOnly: Show all reads one rep's risks, for a
// manager only.
func TestRepRisksForManagersOnly(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	create(t, st, team, "Beta", "UREP", salesbot.GradeB, now.Add(-2*time.Hour))
	create(t, st, team, "Cee", "UREP", salesbot.GradeC, now.Add(-2*time.Hour))
	risks, err := svc.RepRisks(ctx, manager, team, "UREP", now)
	if err != nil || len(risks) != 1 || risks[0].Lead.Company != "Beta" {
		t.Fatalf("risks %+v, %v; want Beta's", risks, err)
	}
	if _, err := svc.RepRisks(ctx, salesbot.Actor{User: "UREP"}, team, "UREP", now); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Fatalf("a rep's Show all: %v, want EFORBIDDEN", err)
	}
}

// TestRiskNewsDue: a rep is due their risk news from the start of their day
// on their own clock; one whose zone is not known waits.
func TestRiskNewsDue(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	create(t, st, team, "Beta", "UREP", salesbot.GradeB, now.Add(-2*time.Hour))
	create(t, st, team, "Gamma", "UFAR", salesbot.GradeB, now.Add(-2*time.Hour))
	create(t, st, team, "Delta", "UNONE", salesbot.GradeB, now.Add(-2*time.Hour))
	zones := map[string]*time.Location{"UREP": time.UTC, "UFAR": time.FixedZone("UTC-8", -8*3600)}
	zone := func(u string) (*time.Location, bool) { loc, ok := zones[u]; return loc, ok }
	due, err := svc.RiskNewsDue(ctx, team, zone, now) // 09:00 UTC: 01:00 at UTC-8
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].Rep != "UREP" || due[0].Day != salesbot.DateOf(now) {
		t.Fatalf("due %+v; want UREP today", due)
	}
	news, err := svc.RiskNews(ctx, team, "UREP", due[0].Day, now)
	if err != nil || len(news.New) != 1 {
		t.Fatalf("news %+v, %v", news, err)
	}
	if err := svc.MarkRisksTold(ctx, team, news); err != nil {
		t.Fatal(err)
	}
	if again, err := svc.RiskNews(ctx, team, "UREP", due[0].Day, now); err != nil || len(again.New) != 0 {
		t.Fatalf("told twice: %+v, %v", again, err)
	}
	if due, err := svc.RiskNewsDue(ctx, team, zone, now.Add(time.Hour)); err != nil || len(due) != 0 {
		t.Fatalf("due again the same day: %+v, %v", due, err)
	}
	if due, err := svc.RiskNewsDue(ctx, team, zone, now.Add(salesbot.Day)); err != nil || len(due) != 1 {
		t.Fatalf("not due the next day: %+v, %v", due, err)
	}
}
