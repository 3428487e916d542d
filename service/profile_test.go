package service_test

import (
	"testing"

	"salesbot"
	"salesbot/service"
)

// TestGuessLeadOffersOnlyWhatTheActorMayChange: the guess at a message's
// lead is the longest name the message holds among the actor's own leads
// (any for a manager), an open one before a closed one; another rep's lead
// is never offered.
func TestGuessLeadOffersOnlyWhatTheActorMayChange(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	boss := salesbot.Actor{User: "UBOSS", Manager: true}
	register := func(a salesbot.Actor, company string) *salesbot.Lead {
		t.Helper()
		reg, err := svc.Register(ctx, a, team, company, salesbot.GradeB, now)
		if err != nil || reg.Lead == nil {
			t.Fatalf("register %s: %+v, %v", company, reg, err)
		}
		return reg.Lead
	}
	register(repA, "明达")
	long := register(repA, "明达机械有限公司")
	theirs := register(repB, "Globex")
	lost := register(repA, "Initech")
	if _, err := svc.Lose(ctx, repA, lost, "no budget", now); err != nil {
		t.Fatal(err)
	}
	open := register(repA, "Initech Services")

	for _, c := range []struct {
		who  salesbot.Actor
		text string
		want string
	}{
		{repA, "今天拜访了明达机械，谈 MES", long.Company},                          // the longest name
		{repA, "Globex called about a demo", ""},                         // another rep's
		{repB, "Globex called about 明达机械", theirs.Company},               // their own only
		{boss, "Globex called about a demo", theirs.Company},             // a manager's: anyone's
		{repA, "Initech and Initech Services both called", open.Company}, // open before closed
		{repA, "Initech called again", lost.Company},                     // closed, when nothing else
		{repA, "nothing here at all", ""},
		{repA, "", ""},
	} {
		l, err := svc.GuessLead(ctx, c.who, team, c.text)
		got := ""
		if l != nil {
			got = l.Company
		}
		if err != nil || got != c.want {
			t.Errorf("%s guesses %q from %q (%v); want %q", c.who.User, got, c.text, err, c.want)
		}
	}
}
